use crate::discover::FileKind;
use crate::finding::{Finding, Severity};
use crate::model::{SourceClass, Target};
use crate::rules::{Context, FindingBuilder, Rule, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a relative import, a tsconfig `paths` alias or a package.json `imports` (`#x`)
    /// specifier that resolves to no file, after trying what TypeScript and Node try: the
    /// `.js`→`.ts`/`.tsx`, `.mjs`→`.mts`, `.cjs`→`.cts` substitutions, the usual extensions,
    /// a directory's `package.json` `types`/`main` and its `index.*`. Targets that are
    /// gitignored (generated code, build output) are accepted. Warning level in tests,
    /// scripts and dev-tool configs, and for imports only the type checker sees. Templates,
    /// fixtures and examples, and `require()` inside `try`, are not checked.
    ///
    /// ## Why is this bad?
    /// The build fails (`TS2307: Cannot find module`), or a JavaScript service throws at the
    /// first `require` — typically after a rename, a case-only change that only a
    /// case-insensitive file system forgave, or a file that was never committed.
    ///
    /// ## Example
    /// ```ts
    /// import { UserService } from './user.servce';
    /// ```
    ///
    /// ## Use instead
    /// Point the import at the file that exists (`./user.service`), or commit the file.
    pub struct UnresolvedImport {
        id: "deps/unresolved-import",
        category: Dependencies,
        severity: Error,
        scope: Service,
        inputs: [FileKind::PackageJson, FileKind::TsConfig],
        summary: "a relative or aliased import resolves to no file",
    }
}

impl Rule for UnresolvedImport {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for source in cx
            .model
            .sources
            .iter()
            .filter(|s| s.class != SourceClass::Fixture)
        {
            for import in source.imports.iter().filter(|i| !i.import.guarded) {
                let Target::Unresolved(reason) = &import.target else {
                    continue;
                };
                // Only an import that survives compilation breaks the running service; a
                // type-only one breaks the type check.
                let severity = if source.class == SourceClass::Runtime && import.runtime {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let mut builder = FindingBuilder::new(
                    &Self::META,
                    &source.path,
                    import.import.span,
                    import.import.specifier.clone(),
                    format!("cannot resolve `{}`: {reason}", import.import.specifier),
                )
                .severity(severity)
                .help("point the import at a file that exists (check the spelling and letter case), or commit the missing file");
                if let Some(package) = source.package.map(|i| &cx.model.packages[i]) {
                    builder = builder.package(package);
                }
                out.push(builder.build());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::Vectors;

    pub(super) fn vectors() -> Vectors {
        Vectors {
            fires: vec![],
            quiet: vec![],
        }
    }
}
