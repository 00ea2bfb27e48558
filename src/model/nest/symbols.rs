//! Names to declarations, the way TypeScript binds them: a local class, interface or `const`;
//! an import binding followed to the file it resolves to (relative, tsconfig `paths`, or a
//! workspace package's entry) and through its exports (`export { X } from`, `export *`); or a
//! name an external package exports. Bounded in depth, so barrel cycles end.

use std::cell::RefCell;

use rustc_hash::FxHashMap as HashMap;

use crate::model::resolve::resolve_file;
use crate::model::{Model, ResolvedImport, Source, Target};
use crate::parse::typescript::{DeclKind, Expr};
use crate::paths;

/// How far a name is followed through re-exports.
const MAX_HOPS: usize = 12;

/// The export lookups remembered: those this many re-export hops from a binding or less.
const MEMO_HOPS: usize = 1;

/// What a name denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sym<'m> {
    /// A top-level class: (source index, class index in that source).
    Class(usize, usize),
    /// A top-level `const` with its initializer.
    Const {
        source: usize,
        name: &'m str,
        value: &'m Expr,
    },
    /// An interface or a type alias: erased, so `Object` in metadata.
    Type,
    /// A name an external package exports (`imported` as the package names it).
    External { package: &'m str, name: &'m str },
    /// A namespace import of a repository file (`import * as x from './x'`).
    Namespace(usize),
    /// A namespace import of a package (`import * as common from '@nestjs/common'`).
    ExternalNamespace(&'m str),
    /// Something else (a function, an enum, a `let`), or a name seaworthy cannot follow.
    Unknown,
}

/// A resolved name, and whether the binding that led to it is type-only (`import type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'m> {
    pub sym: Sym<'m>,
    pub type_only: bool,
}

/// (source, exported name, hops).
type ExportKey<'m> = (usize, &'m str, usize);

pub struct Symbols<'m> {
    model: &'m Model,
    by_path: HashMap<&'m str, usize>,
    /// Top-level classes by (source, name).
    classes: HashMap<(usize, &'m str), usize>,
    /// [`Self::import_source`] by the import's address in the model (stable for `'m`).
    /// Barrels are reached from every file that imports through them, so each import is
    /// resolved to a file once.
    landing: RefCell<HashMap<(usize, usize), Option<usize>>>,
    /// [`Self::export`] by (source, name, hops). The hop count is part of the key, so a
    /// memoized answer is the one the same call would compute (the hop bound can cut a deep
    /// chain short at one depth and not at another).
    exported: RefCell<HashMap<ExportKey<'m>, Option<Resolved<'m>>>>,
}

impl<'m> Symbols<'m> {
    pub fn new(model: &'m Model) -> Self {
        let by_path = model
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.path.as_str(), i))
            .collect();
        let mut classes = HashMap::default();
        for (i, source) in model.sources.iter().enumerate() {
            for (c, class) in source.classes.iter().enumerate() {
                if class.top_level && !class.name.is_empty() {
                    classes.entry((i, class.name.as_str())).or_insert(c);
                }
            }
        }
        Symbols {
            model,
            by_path,
            classes,
            landing: RefCell::default(),
            exported: RefCell::default(),
        }
    }

    pub fn source(&self, index: usize) -> &'m Source {
        &self.model.sources[index]
    }

    pub fn source_at(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// What `name` denotes in file `source`.
    pub fn resolve(&self, source: usize, name: &str) -> Resolved<'m> {
        self.resolve_in(source, name, 0).unwrap_or(Resolved {
            sym: Sym::Unknown,
            type_only: false,
        })
    }

    /// A member of a namespace: `x.Foo` where `x` is `import * as x`.
    pub fn member(&self, namespace: &Sym<'m>, name: &'m str) -> Resolved<'m> {
        let unknown = Resolved {
            sym: Sym::Unknown,
            type_only: false,
        };
        match namespace {
            Sym::Namespace(source) => self.export(*source, name, 0).unwrap_or(unknown),
            Sym::ExternalNamespace(package) => Resolved {
                sym: Sym::External { package, name },
                type_only: false,
            },
            _ => unknown,
        }
    }

    fn resolve_in(&self, source: usize, name: &str, hops: usize) -> Option<Resolved<'m>> {
        if hops > MAX_HOPS {
            return None;
        }
        let file = self.source(source);
        if let Some(&class) = self.classes.get(&(source, name)) {
            return Some(Resolved {
                sym: Sym::Class(source, class),
                type_only: false,
            });
        }
        if let Some(decl) = file.decls.iter().find(|d| d.name == name) {
            let sym = match (decl.kind, &decl.value) {
                (DeclKind::Const, Some(value)) => Sym::Const {
                    source,
                    name: decl.name.as_str(),
                    value,
                },
                (DeclKind::Interface | DeclKind::TypeAlias, _) => Sym::Type,
                _ => Sym::Unknown,
            };
            return Some(Resolved {
                sym,
                type_only: false,
            });
        }
        for import in &file.imports {
            let Some(binding) = import.import.bindings.iter().find(|b| b.local == name) else {
                continue;
            };
            let type_only = binding.type_only || import.import.explicit_type;
            let mut resolved = match &import.target {
                Target::Package(package) => {
                    let package = package.as_str();
                    let sym = if binding.imported == "*" {
                        Sym::ExternalNamespace(package)
                    } else {
                        Sym::External {
                            package,
                            name: binding.imported.as_str(),
                        }
                    };
                    Resolved {
                        sym,
                        type_only: false,
                    }
                }
                _ => {
                    let Some(target) = self.import_source(source, import) else {
                        return Some(Resolved {
                            sym: Sym::Unknown,
                            type_only,
                        });
                    };
                    if binding.imported == "*" {
                        Resolved {
                            sym: Sym::Namespace(target),
                            type_only: false,
                        }
                    } else {
                        self.export(target, &binding.imported, hops + 1)
                            .unwrap_or(Resolved {
                                sym: Sym::Unknown,
                                type_only: false,
                            })
                    }
                }
            };
            resolved.type_only |= type_only;
            return Some(resolved);
        }
        None
    }

    /// What file `source` exports as `name`; `None` when it exports no such name.
    fn export(&self, source: usize, name: &'m str, hops: usize) -> Option<Resolved<'m>> {
        if hops > MAX_HOPS {
            return None;
        }
        // Only the first hops are remembered: a name imported from a barrel is looked up
        // there by every file that imports it, while the deeper lookups it leads to are
        // each made once per first one (remembering them all took 30 MiB on ever-gauzy).
        if hops > MEMO_HOPS {
            return self.export_uncached(source, name, hops);
        }
        if let Some(known) = self.exported.borrow().get(&(source, name, hops)) {
            return known.clone();
        }
        let found = self.export_uncached(source, name, hops);
        self.exported
            .borrow_mut()
            .insert((source, name, hops), found.clone());
        found
    }

    fn export_uncached(&self, source: usize, name: &'m str, hops: usize) -> Option<Resolved<'m>> {
        let file = self.source(source);
        if let Some(export) = file.exports.iter().find(|e| e.name == name) {
            let local = export.local.as_deref().unwrap_or(name);
            let type_only = export.type_only;
            let mut resolved = match &export.from {
                Some(from) => {
                    let target = self.specifier_source(source, from)?;
                    if local == "*" {
                        Resolved {
                            sym: Sym::Namespace(target),
                            type_only: false,
                        }
                    } else {
                        self.export(target, local, hops + 1)?
                    }
                }
                None => self.resolve_in(source, local, hops + 1)?,
            };
            resolved.type_only |= type_only;
            return Some(resolved);
        }
        for export in file.exports.iter().filter(|e| e.name == "*") {
            let Some(from) = &export.from else { continue };
            if let Some(target) = self.specifier_source(source, from)
                && let Some(found) = self.export(target, name, hops + 1)
            {
                return Some(found);
            }
        }
        None
    }

    /// The source a re-export's specifier lands on.
    fn specifier_source(&self, source: usize, specifier: &str) -> Option<usize> {
        let file = self.source(source);
        let import = file
            .imports
            .iter()
            .find(|i| i.import.specifier == specifier)?;
        self.import_source(source, import)
    }

    /// The repository source file an import lands on, when it is one.
    pub fn import_source(&self, source: usize, import: &'m ResolvedImport) -> Option<usize> {
        let key = (source, std::ptr::from_ref(import) as usize);
        if let Some(&known) = self.landing.borrow().get(&key) {
            return known;
        }
        let found = self.import_source_uncached(source, import);
        self.landing.borrow_mut().insert(key, found);
        found
    }

    fn import_source_uncached(&self, source: usize, import: &ResolvedImport) -> Option<usize> {
        let model = self.model;
        let from = &self.source(source).path;
        let specifier = import.import.specifier.as_str();
        let path = match &import.target {
            Target::File(path) => Some(path.clone()),
            Target::Workspace(package) => {
                let relative = specifier.starts_with('.');
                if relative {
                    paths::join(paths::parent(from), specifier)
                        .and_then(|base| resolve_file(model, &base))
                } else {
                    alias_file(model, self.source(source), specifier)
                        .or_else(|| workspace_entry(model, *package, specifier))
                }
            }
            Target::SelfRef => model
                .owner_of(from)
                .and_then(|p| workspace_entry(model, p, specifier)),
            _ => None,
        }?;
        self.source_at(&path)
    }
}

/// A tsconfig `paths` alias's file.
fn alias_file(model: &Model, from: &Source, specifier: &str) -> Option<String> {
    let tsconfig = model.source_tsconfig(from)?;
    let (alias, captured) = tsconfig.paths.matching(specifier)?;
    alias.targets.iter().find_map(|target| {
        let path = paths::join("", &target.replacen('*', captured, 1))?;
        resolve_file(model, &path)
    })
}

/// The source file a workspace package's name (or a subpath of it) points at: its manifest's
/// `types`/`main`/`module`/`exports`, mapped from build output back to `src/` when the build
/// output is not in the repository, else `src/index`, `index`.
fn workspace_entry(model: &Model, package: usize, specifier: &str) -> Option<String> {
    let package = model.packages.get(package)?;
    let name = package.name();
    let subpath = specifier
        .strip_prefix(name)
        .map(|s| s.trim_start_matches('/'))
        .unwrap_or_default();
    let dir = package.dir.as_str();
    let join = |rel: &str| paths::join(dir, rel.trim_start_matches("./"));
    let source_of = |rel: &str| -> Option<String> {
        let path = join(rel)?;
        let stem = path
            .strip_suffix(".d.ts")
            .or_else(|| path.strip_suffix(".js"))
            .or_else(|| path.strip_suffix(".ts"))
            .unwrap_or(&path)
            .to_string();
        for candidate in [
            format!("{stem}.ts"),
            format!("{stem}.tsx"),
            stem.clone(),
            path.clone(),
        ] {
            if let Some(file) = resolve_file(model, &candidate)
                && !file.ends_with(".d.ts")
            {
                return Some(file);
            }
        }
        // Build output (`dist/index.js`) back to its source (`src/index.ts`).
        let within = stem
            .strip_prefix(dir)
            .unwrap_or(&stem)
            .trim_start_matches('/');
        let rest = ["dist/", "build/", "lib/", "out/"]
            .iter()
            .find_map(|d| within.strip_prefix(d))?;
        let rest = rest.strip_prefix("src/").unwrap_or(rest);
        resolve_file(model, &join(&format!("src/{rest}"))?)
    };
    if subpath.is_empty() {
        let manifest = &package.manifest;
        let mut fields: Vec<String> = [&manifest.types, &manifest.main, &manifest.module]
            .into_iter()
            .flatten()
            .map(|f| f.value.clone())
            .collect();
        if let Some(exports) = &manifest.exports {
            fields.extend(export_targets(exports));
        }
        fields.extend(["src/index.ts".to_string(), "index.ts".to_string()]);
        return fields.iter().find_map(|f| source_of(f));
    }
    source_of(&format!("src/{subpath}")).or_else(|| source_of(subpath))
}

/// The file targets of an `exports` map's `.` entry (strings, conditions, nested).
fn export_targets(exports: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let root = match exports {
        serde_json::Value::Object(map) if map.keys().any(|k| k.starts_with('.')) => map.get("."),
        other => Some(other),
    };
    let mut stack: Vec<&serde_json::Value> = root.into_iter().collect();
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Object(map) => stack.extend(map.values()),
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
        if out.len() > 16 {
            break;
        }
    }
    out
}
