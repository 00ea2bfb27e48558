//! Token resolution in a module context, as `Injector.lookupComponent` and
//! `lookupComponentInImports` do it, and the explanation when it fails.

use super::{Edge, ModuleId, ModuleKind, Nest, Token};
use crate::data::nest_modules::{CORE_PACKAGE, CORE_TOKENS};

/// The answer to "does this context supply this token?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Found,
    /// Something on the way may supply it (a module seaworthy cannot see into, a list entry
    /// it could not follow): never a finding.
    Unknown,
    Missing,
}

/// Why a token is missing from a context, most specific first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// A comment in the module's `providers` names it (line of the comment).
    CommentedOut { line: u32 },
    /// Imported only inside the options of a library module (`registerAsync({ imports })`):
    /// `host` is the library module, `module` the import that supplies the token there.
    OnlyInOptions { host: ModuleId, module: ModuleId },
    /// Provided by `module`, which the context imports, but `module` does not export it.
    NotExported { module: ModuleId },
    /// `module` provides and exports it; the context imports `via`, which imports `module`
    /// but does not re-export it.
    NotReExported { via: ModuleId, module: ModuleId },
    /// `module` is global and exports it, but no root reaches `module`.
    GlobalNotImported { module: ModuleId },
    /// `module` provides and exports it; the context does not import it.
    NotImported { module: ModuleId },
    /// No module of the repository provides it.
    Nowhere,
}

impl Nest {
    /// Whether module `context` can supply `token`.
    pub fn lookup(&self, context: ModuleId, token: &Token) -> Lookup {
        let module = &self.modules[context];
        if is_core(token) || module.class_token.as_ref() == Some(token) {
            return Lookup::Found;
        }
        if module.provides(token) {
            return Lookup::Found;
        }
        let mut result = if module.providers_known && module.imports_known {
            Lookup::Missing
        } else {
            Lookup::Unknown
        };
        let mut visited = vec![false; self.modules.len()];
        visited[context] = true;
        let globals = self
            .context_globals
            .get(context)
            .map_or(&[][..], Vec::as_slice);
        let edges = module
            .imports
            .iter()
            .map(|e| e.module)
            .chain(globals.iter().copied());
        for import in edges {
            match self.in_import(import, token, &mut visited, 0) {
                Lookup::Found => return Lookup::Found,
                Lookup::Unknown => result = Lookup::Unknown,
                Lookup::Missing => {}
            }
        }
        result
    }

    /// `lookupComponentInImports` for one imported module: a direct match needs the token in
    /// both its providers and its exports; otherwise descend into the modules it re-exports.
    fn in_import(&self, m: ModuleId, token: &Token, visited: &mut [bool], depth: usize) -> Lookup {
        if std::mem::replace(&mut visited[m], true) || depth > 64 {
            return Lookup::Missing;
        }
        let module = &self.modules[m];
        if module.is_opaque() {
            return if module.may_supply(token) {
                Lookup::Unknown
            } else {
                Lookup::Missing
            };
        }
        let exported = module.exports_token(token);
        let provided = module.provides(token);
        if exported && provided {
            return Lookup::Found;
        }
        let mut result = Lookup::Missing;
        // A list seaworthy could not read in full may hold the other half of the match.
        if (exported && !module.providers_known) || (provided && !module.exports_known) {
            result = Lookup::Unknown;
        }
        if !module.providers_known && !module.exports_known {
            result = Lookup::Unknown;
        }
        for edge in &module.imports {
            let re_exported = self.modules[edge.module]
                .class_token
                .as_ref()
                .is_some_and(|t| module.exports_token(t));
            if !re_exported && module.exports_known {
                continue;
            }
            match self.in_import(edge.module, token, visited, depth + 1) {
                Lookup::Found if re_exported => return Lookup::Found,
                Lookup::Found | Lookup::Unknown => result = Lookup::Unknown,
                Lookup::Missing => {}
            }
        }
        if !module.imports_known {
            // An import seaworthy could not follow may be a module this one re-exports: any
            // export that is neither its own provider nor a module it is seen to import.
            let unexplained = !module.exports_known
                || module.exports.iter().any(|e| {
                    !module.provides(&e.token)
                        && !module
                            .imports
                            .iter()
                            .any(|i| self.modules[i.module].class_token.as_ref() == Some(&e.token))
                });
            if unexplained {
                result = Lookup::Unknown;
            }
        }
        result
    }

    /// Why `token` is missing from `context` (call only after [`Nest::lookup`] said so).
    pub fn explain(&self, context: ModuleId, token: &Token) -> Why {
        let module = &self.modules[context];
        let label = self.token_label(token);
        let bare = label.trim_matches(['\'', '"']);
        if let Some(comment) = module
            .comments
            .iter()
            .find(|c| c.array == "providers" && mentions(&c.text, bare))
        {
            return Why::CommentedOut {
                line: comment.site.span.line,
            };
        }
        for edge in &module.imports {
            for option in &self.modules[edge.module].option_imports {
                let mut visited = vec![false; self.modules.len()];
                if self.in_import(option.module, token, &mut visited, 0) == Lookup::Found {
                    return Why::OnlyInOptions {
                        host: edge.module,
                        module: option.module,
                    };
                }
            }
        }
        for edge in &module.imports {
            let imported = &self.modules[edge.module];
            if imported.provides(token) && !imported.exports_token(token) {
                return Why::NotExported {
                    module: edge.module,
                };
            }
        }
        for edge in &module.imports {
            if let Some(inner) = self.hidden_behind(edge, token) {
                return Why::NotReExported {
                    via: edge.module,
                    module: inner,
                };
            }
        }
        let suppliers: Vec<ModuleId> = (0..self.modules.len())
            .filter(|&m| m != context)
            .filter(|&m| {
                let s = &self.modules[m];
                s.provides(token) && s.exports_token(token)
            })
            .collect();
        if let Some(&global) = suppliers
            .iter()
            .find(|&&m| self.modules[m].global && !self.modules[m].reachable)
            && module.reachable
        {
            return Why::GlobalNotImported { module: global };
        }
        // Prefer a module class of the repository (the one to import), then anything.
        let best = suppliers
            .iter()
            .copied()
            .find(|&m| matches!(self.modules[m].kind, ModuleKind::Class(_)))
            .or_else(|| suppliers.first().copied());
        if let Some(module) = best {
            return Why::NotImported { module };
        }
        if let Some(provider) = (0..self.modules.len()).find(|&m| self.modules[m].provides(token)) {
            return Why::NotExported { module: provider };
        }
        Why::Nowhere
    }

    /// A module behind `edge` (imported by the imported module, not re-exported) that
    /// supplies the token.
    fn hidden_behind(&self, edge: &Edge, token: &Token) -> Option<ModuleId> {
        let imported = &self.modules[edge.module];
        imported.imports.iter().map(|e| e.module).find(|&inner| {
            let m = &self.modules[inner];
            m.provides(token) && m.exports_token(token)
        })
    }
}

/// The tokens every context resolves: per-module core providers and `InternalCoreModule`.
fn is_core(token: &Token) -> bool {
    matches!(token, Token::External { package, name }
        if package == CORE_PACKAGE && CORE_TOKENS.contains(&name.as_str()))
}

/// Whether `text` names `name` as a whole word.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        !word(before) && !word(after)
    })
}
