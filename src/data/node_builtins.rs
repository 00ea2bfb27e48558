//! Node's builtin modules importable without the `node:` prefix; `model::resolve::is_builtin`
//! matches the first segment of a specifier against them exactly (`node:`-only modules such as
//! `node:test` need the prefix and are recognised by it).

use super::Entry;

/// Builtin module names, bare (`fs`, not `node:fs`).
pub(crate) const NODE_BUILTINS: &[Entry] = &[
    Entry {
        name: "assert",
        reason: "assertion functions, used by tests and by runtime invariants",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "async_hooks",
        reason: "tracks asynchronous resources and provides AsyncLocalStorage",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "buffer",
        reason: "the Buffer class for binary data",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "child_process",
        reason: "spawns subprocesses (spawn, exec, fork)",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "cluster",
        reason: "forks worker processes that share server ports",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "console",
        reason: "the global console as a module",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "constants",
        reason: "deprecated module of OS and crypto constants, still resolvable",
        source: "Node.js docs: deprecated APIs (DEP0008)",
    },
    Entry {
        name: "crypto",
        reason: "hashing, ciphers, signatures and random bytes",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "dgram",
        reason: "UDP datagram sockets",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "diagnostics_channel",
        reason: "named channels for publishing diagnostic messages",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "dns",
        reason: "name resolution",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "domain",
        reason: "deprecated error-handling domains, still resolvable",
        source: "Node.js docs: deprecated APIs (DEP0032)",
    },
    Entry {
        name: "events",
        reason: "EventEmitter",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "fs",
        reason: "file system access",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "http",
        reason: "HTTP/1.1 client and server",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "http2",
        reason: "HTTP/2 client and server",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "https",
        reason: "HTTP over TLS",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "inspector",
        reason: "the V8 inspector protocol",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "module",
        reason: "the module system's API (createRequire, builtinModules)",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "net",
        reason: "TCP and IPC sockets",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "os",
        reason: "operating system information",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "path",
        reason: "file path manipulation",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "perf_hooks",
        reason: "performance measurement (performance.now, histograms)",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "process",
        reason: "the global process as a module",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "punycode",
        reason: "deprecated Punycode codec; the builtin wins over node_modules unless imported as `punycode/`",
        source: "Node.js docs: deprecated APIs (DEP0040)",
    },
    Entry {
        name: "querystring",
        reason: "URL query string parsing",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "readline",
        reason: "line-by-line reading of a stream",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "repl",
        reason: "the read-eval-print loop",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "stream",
        reason: "readable, writable and transform streams",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "string_decoder",
        reason: "decodes Buffers into strings across multi-byte boundaries",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "sys",
        reason: "deprecated alias of util, still resolvable",
        source: "Node.js docs: deprecated APIs (DEP0025)",
    },
    Entry {
        name: "timers",
        reason: "setTimeout and setInterval as a module",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "tls",
        reason: "TLS sockets",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "trace_events",
        reason: "enables V8 and Node trace event categories",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "tty",
        reason: "terminal streams",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "url",
        reason: "WHATWG and legacy URL parsing",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "util",
        reason: "utilities such as promisify, inspect and types",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "v8",
        reason: "V8 heap statistics and serialization",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "vm",
        reason: "compiles and runs code in V8 contexts",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "wasi",
        reason: "the WebAssembly System Interface",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "worker_threads",
        reason: "threads running JavaScript in parallel",
        source: "Node.js docs: node:module builtinModules",
    },
    Entry {
        name: "zlib",
        reason: "gzip, deflate and brotli compression",
        source: "Node.js docs: node:module builtinModules",
    },
];
