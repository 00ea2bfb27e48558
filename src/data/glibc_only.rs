//! Packages whose native binaries are built for glibc only, so they crash (or cannot load) on
//! musl (Alpine) images (rules.md, `docker/musl-incompatible-dependency`). Matched exactly
//! against the names of the packages an install puts in the image.
//! `canvas` and `gl` are not here: they build from source where no prebuild fits, which
//! `docker/native-rebuild-in-slim-runtime` judges; with the libraries installed they work on musl.

use super::Entry;

pub(crate) const GLIBC_ONLY: &[Entry] = &[
    Entry {
        name: "@temporalio/core-bridge",
        reason: "the Temporal worker's Rust core ships prebuilt for *-unknown-linux-gnu only; on Alpine it fails with `Error loading shared library ld-linux-x86-64.so.2`, and Temporal's docs say not to use Alpine",
        source: "temporalio/sdk-typescript#850, #1271",
    },
    Entry {
        name: "@tensorflow/tfjs-node",
        reason: "libtensorflow.so is built against glibc; on Alpine it fails with `__memcpy_chk: symbol not found`, even with gcompat",
        source: "tensorflow/tfjs#1425, #6556",
    },
    Entry {
        name: "@tensorflow/tfjs-node-gpu",
        reason: "libtensorflow.so (GPU build) is built against glibc",
        source: "tensorflow/tfjs#1425",
    },
    Entry {
        name: "onnxruntime-node",
        reason: "the prebuilt onnxruntime binary is glibc-only: `Error loading shared library ld-linux-x86-64.so.2` on Alpine",
        source: "huggingface/transformers.js#1275",
    },
];

/// The entry for a package name, if it is glibc-only.
pub(crate) fn find(name: &str) -> Option<&'static Entry> {
    GLIBC_ONLY.iter().find(|e| e.name == name)
}
