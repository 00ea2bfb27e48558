//! Fuzzes the package-lock.json reader: any bytes in, a result out, never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = seaworthy::parse::lockfile::parse("package-lock.json", seaworthy::discover::LockfileKind::Npm, text);
    }
});
