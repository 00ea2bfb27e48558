//! Deeply nested input on a small stack: the helpers the parsers' own depth tests share.
//! A parser may reject such text; it may not overflow the stack, which aborts the whole scan
//! with no report.

/// The nesting depth fed to every parser: far beyond any real file, and beyond what a
/// recursive reader survives even on the main thread's 8 MiB stack.
const LEVELS: usize = 100_000;

/// A quarter of a MiB: an eighth of rayon's default worker stack, so passing here (in a debug
/// build, whose frames are several times larger) leaves the release workers headroom.
pub(crate) const SMALL_STACK: usize = 256 * 1024;

/// Runs `f` on a thread with [`SMALL_STACK`]; a stack overflow aborts the test binary.
pub(crate) fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn a test thread")
        .join()
        .expect("the parser panicked")
}

/// `prefix`, `open` 100,000 times, `inner`, `close` 100,000 times, `suffix`.
pub(crate) fn nested(prefix: &str, open: &str, inner: &str, close: &str, suffix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + LEVELS * (open.len() + close.len()) + 64);
    s.push_str(prefix);
    s.push_str(&open.repeat(LEVELS));
    s.push_str(inner);
    s.push_str(&close.repeat(LEVELS));
    s.push_str(suffix);
    s
}
