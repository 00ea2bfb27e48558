//! Fuzzes the .gitignore reader and matcher: any bytes in, a result out, never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let matcher = seaworthy::discover::gitignore_matcher(std::path::Path::new("/repo"), text);
        let _ = matcher.matched(std::path::Path::new("/repo/src/main.ts"), false);
    }
});
