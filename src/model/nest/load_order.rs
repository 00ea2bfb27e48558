//! The order Node loads an application's files in (CommonJS, as TypeScript compiles Nest
//! apps): from the root's file, each file's runtime imports in source order, depth first; a
//! file that is already loading is not entered again, and what it exports is not yet there.
//! A module class's `@Module({ imports })` runs when its file's body runs, after its imports:
//! an entry whose file (or the barrel it is read through) is still loading is `undefined`.

use super::symbols::Symbols;
use super::{ModuleKind, Nest, UndefinedImport};
use crate::model::{Model, Target};
use crate::parse::typescript::ImportKind;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unloaded,
    Loading,
    Loaded,
}

pub(super) fn undefined_imports<'m>(
    model: &'m Model,
    symbols: &Symbols<'m>,
    nest: &Nest,
) -> Vec<UndefinedImport> {
    let n = model.sources.len();
    // The module nodes declared by decorator in each file.
    let mut modules_in: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (m, module) in nest.modules.iter().enumerate() {
        if let (ModuleKind::Class(_), Some(site)) = (&module.kind, module.site) {
            modules_in[site.source].push(m);
        }
    }
    // Each file's runtime imports that load a repository file, in order.
    let loads: Vec<Vec<usize>> = (0..n)
        .map(|s| {
            model.sources[s]
                .imports
                .iter()
                .filter(|i| {
                    i.runtime
                        && matches!(
                            i.import.kind,
                            ImportKind::Static
                                | ImportKind::SideEffect
                                | ImportKind::ReExport
                                | ImportKind::ImportEquals
                        )
                        && !matches!(i.target, Target::Package(_) | Target::Builtin)
                })
                .filter_map(|i| symbols.import_source(s, i))
                .collect()
        })
        .collect();
    let declaring_file = |m: usize| match nest.modules[m].kind {
        ModuleKind::Class(c) | ModuleKind::Dynamic { class: c, .. } => Some(nest.classes[c].source),
        _ => None,
    };
    let mut out: Vec<UndefinedImport> = Vec::new();
    for (r, root) in nest.roots.iter().enumerate() {
        let mut state = vec![State::Unloaded; n];
        let mut stack: Vec<(usize, usize)> = vec![(root.site.source, 0)];
        state[root.site.source] = State::Loading;
        while let Some(&(file, next)) = stack.last() {
            if let Some(&target) = loads[file].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                if state[target] == State::Unloaded {
                    state[target] = State::Loading;
                    stack.push((target, 0));
                }
                continue;
            }
            // The file's body runs: its module decorators read their imports now.
            for &m in &modules_in[file] {
                for (index, edge) in nest.modules[m].imports.iter().enumerate() {
                    if edge.forward_ref || edge.site.source != file {
                        continue;
                    }
                    let Some(name) = &edge.name else { continue };
                    let through = model.sources[file]
                        .imports
                        .iter()
                        .find(|i| i.import.bindings.iter().any(|b| &b.local == name))
                        .and_then(|i| symbols.import_source(file, i));
                    let Some(through) = through else { continue };
                    let declared = declaring_file(edge.module);
                    let loading = |f: usize| f != file && state[f] == State::Loading;
                    if loading(through) || declared.is_some_and(loading) {
                        let already = out.iter().any(|u| u.module == m && u.target == edge.module);
                        if !already {
                            out.push(UndefinedImport {
                                module: m,
                                index,
                                target: edge.module,
                                site: edge.site,
                                root: r,
                                chain: stack.iter().map(|(f, _)| *f).collect(),
                            });
                        }
                    }
                }
            }
            state[file] = State::Loaded;
            stack.pop();
        }
    }
    out
}
