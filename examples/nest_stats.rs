//! How much of a repository's NestJS graph seaworthy can judge: modules by kind and whether
//! seaworthy saw all of each, consumers, and every constructor dependency's lookup result.
//! For the corpus audits of the nest/ rules (a rule that finds nothing because everything is
//! "unknown" would look precise and be useless).
//!
//! ```text
//! cargo run --release --example nest_stats -- path/to/monorepo [--unknown]
//! ```
//!
//! `--unknown` also lists the dependencies whose lookup was unknown, with the reason.

use std::collections::BTreeMap;
use std::process::ExitCode;

use seaworthy::model::nest::{Lookup, ModuleKind, Token};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: nest_stats PATH [--unknown]");
        return ExitCode::from(2);
    };
    let list_unknown = args.any(|a| a == "--unknown");
    let options = seaworthy::ScanOptions::new(&root);
    let prepared = match seaworthy::prepare(&options, &|_| {}) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let model = &prepared.model;
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
                None => "no token (unknown decorator or type)",
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
