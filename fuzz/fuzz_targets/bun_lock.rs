//! Fuzzes the bun.lock reader: any bytes in, a result out, never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(Ok(lockfile)) = seaworthy::parse::lockfile::parse("bun.lock", seaworthy::discover::LockfileKind::Bun, text) {
            // The graph resolves every dependency through the placement tree.
            let _ = seaworthy::model::lockfile::Lock::new(lockfile);
        }
    }
});
