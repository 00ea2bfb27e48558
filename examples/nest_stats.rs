//! How much of a repository's NestJS graph seaworthy can judge: modules by kind and whether
//! seaworthy saw all of each, consumers, and every constructor dependency's lookup result.
//! For the corpus audits of the nest/ rules (a rule that finds nothing because everything is
//! "unknown" would look precise and be useless).
//!
//! ```text
//! cargo run --release --example nest_stats -- path/to/monorepo [--unknown]
//! ```
//!
//! `--unknown` also lists the dependencies whose lookup was unknown, with the reason; `--none`
//! the dependencies seaworthy could not name.

use std::collections::BTreeMap;
use std::process::ExitCode;

use seaworthy::model::nest::{Lookup, ModuleKind, Token};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: nest_stats PATH [--unknown]");
        return ExitCode::from(2);
    };
    let rest: Vec<String> = args.collect();
    let list_unknown = rest.iter().any(|a| a == "--unknown");
    let list_none = rest.iter().any(|a| a == "--none");
    let options = seaworthy::ScanOptions::new(&root);
    let prepared = match seaworthy::prepare(&options, &|_| {}) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let model = &prepared.model;
    if let Some(i) = rest.iter().position(|a| a == "--tsconfig") {
        let file = rest.get(i + 1).map(String::as_str).unwrap_or_default();
        match model.tsconfig_for(file) {
            Some(t) => println!(
                "{file}: {} emitDecoratorMetadata={}",
                t.path, t.emit_decorator_metadata
            ),
            None => println!("{file}: no tsconfig"),
        }
    }
    let nest = &model.nest;
    let mut kinds: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for module in &nest.modules {
        let kind = match module.kind {
            ModuleKind::Class(_) => "class",
            ModuleKind::Dynamic { .. } => "dynamic",
            ModuleKind::Library { .. } => "library",
            ModuleKind::Opaque => "opaque",
        };
        let entry = kinds.entry(kind).or_default();
        entry.0 += 1;
        entry.1 += usize::from(module.is_known());
        entry.2 += usize::from(module.reachable);
    }
    println!("roots: {}", nest.roots.len());
    for (kind, (n, known, reachable)) in &kinds {
        println!("modules {kind}: {n} ({known} fully known, {reachable} reachable)");
    }
    println!("consumers: {}", nest.consumers.len());
    let mut results: BTreeMap<&str, usize> = BTreeMap::new();
    for consumer in &nest.consumers {
        for dep in &consumer.deps {
            let key = match &dep.token {
                None => {
                    if list_none {
                        let path = &model.sources[dep.site.source].path;
                        println!("  none: {path}:{}", dep.site.span.line);
                    }
                    "no token (unknown decorator or type)"
                }
                Some(_) if dep.optional => "optional",
                Some(Token::Primitive(_)) => "primitive",
                Some(token) => match nest.lookup(consumer.module, token) {
                    Lookup::Found => "found",
                    Lookup::Missing => "missing",
                    Lookup::Unknown => {
                        if list_unknown {
                            let module = &nest.modules[consumer.module];
                            println!(
                                "  unknown: {} in {} ({}): providers {} imports {} exports {}",
                                nest.token_name(token),
                                module.display(),
                                consumer.name,
                                module.providers_known,
                                module.imports_known,
                                module.exports_known
                            );
                        }
                        "unknown"
                    }
                },
            };
            *results.entry(key).or_default() += 1;
        }
    }
    for (key, n) in results {
        println!("dependencies {key}: {n}");
    }
    ExitCode::SUCCESS
}
