//! Fuzzes the tsconfig (JSONC) parser: any bytes in, a result out, never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = seaworthy::parse::tsconfig::parse("tsconfig.json", text);
    }
});
