//! Fuzzes the buildx bake reader (HCL and JSON forms): never a panic, a hang or an abort.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = seaworthy::parse::bake::parse("docker-bake.hcl", text);
        let _ = seaworthy::parse::bake::parse("docker-bake.json", text);
        let _ = seaworthy::parse::workflow::parse(".github/workflows/ci.yml", text);
    }
});
