use std::collections::{BTreeMap, BTreeSet};

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::model::nest::{ClassId, ModuleKind, Site};
use crate::rules::{Context, FindingBuilder, Rule, Subject, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags modules that import each other (directly or around a longer cycle) where an
    /// `imports` entry of the cycle is not wrapped in `forwardRef(() => X)`. It follows the
    /// order Node loads the application's files in, from each `NestFactory.create`: an entry
    /// that is still `undefined` when its module's decorator runs is an error (the boot
    /// fails); a cycle that holds only because of today's load order is a warning.
    ///
    /// ## Why is this bad?
    /// Module files that import each other load in a cycle: when one of them runs its
    /// `@Module` decorator, the other's class is still `undefined`, and Nest stops the boot
    /// with `Nest cannot create the UsersModule instance. The module at index [0] of the
    /// UsersModule "imports" array is undefined.` Which side breaks depends on load order, so
    /// Nest's documentation asks for `forwardRef` on both sides.
    ///
    /// ## Example
    /// ```ts
    /// @Module({ imports: [OrdersModule] }) export class UsersModule {}
    /// @Module({ imports: [UsersModule] }) export class OrdersModule {}
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// @Module({ imports: [forwardRef(() => OrdersModule)] }) export class UsersModule {}
    /// @Module({ imports: [forwardRef(() => UsersModule)] }) export class OrdersModule {}
    /// ```
    pub struct CircularImport {
        id: "nest/circular-import",
        category: Nestjs,
        severity: Error,
        scope: Service,
        inputs: [FileKind::Source { dts: false }],
        summary: "modules that import each other without `forwardRef` on both sides",
    }
}

impl Rule for CircularImport {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let model = cx.model;
        let nest = &model.nest;
        // Entries that are `undefined` in the order the application loads its files: the boot
        // fails there.
        let mut broken: BTreeSet<ClassId> = BTreeSet::new();
        for undefined in &nest.undefined_imports {
            let module = &nest.modules[undefined.module];
            let target = &nest.modules[undefined.target];
            let file = super::path(model, undefined.site);
            let loading: Vec<&str> = undefined
                .chain
                .iter()
                .map(|&s| model.sources[s].path.as_str())
                .collect();
            let root = &nest.roots[undefined.root];
            if let ModuleKind::Class(c) = module.kind {
                broken.insert(c);
            }
            let mut builder = FindingBuilder::new(
                &Self::META,
                file,
                undefined.site.span,
                format!("{}|{}", module.name, target.name),
                format!(
                    "Nest cannot create the {m} instance. The module at index [{i}] of the {m} \"imports\" array is undefined. {m} and {t} import each other, and {t} is still loading when {m}'s file runs ({chain})",
                    m = module.name,
                    t = target.name,
                    i = undefined.index,
                    chain = loading.join(" → "),
                ),
            )
            .help(format!(
                "wrap the entry in `forwardRef(() => {t})`, and the other side's entry likewise; or move what both need into a module they both import",
                t = target.name
            ))
            .related(
                super::path(model, root.site),
                root.site.span.line,
                "the application loads its files from here",
            );
            builder = super::in_package(builder, model, undefined.site.source);
            out.push(builder.build());
        }
        // Cycles that hold only because of the current load order.
        let class_of = |m: usize| match nest.modules[m].kind {
            ModuleKind::Class(c) | ModuleKind::Dynamic { class: c, .. } => Some(c),
            _ => None,
        };
        let mut edges: BTreeMap<(ClassId, ClassId), (bool, Option<Site>)> = BTreeMap::new();
        for (m, module) in nest.modules.iter().enumerate() {
            let Some(from) = class_of(m) else { continue };
            for edge in &module.imports {
                let Some(to) = class_of(edge.module) else {
                    continue;
                };
                if from == to {
                    continue;
                }
                let entry = edges.entry((from, to)).or_insert((true, None));
                if !edge.forward_ref {
                    entry.0 = false;
                    entry.1.get_or_insert(edge.site);
                }
            }
        }
        let nodes: BTreeSet<ClassId> = edges.keys().flat_map(|(a, b)| [*a, *b]).collect();
        for component in components(&nodes, &edges) {
            if component.len() < 2 || component.iter().any(|c| broken.contains(c)) {
                continue;
            }
            let members: BTreeSet<ClassId> = component.iter().copied().collect();
            let unwrapped: Vec<(&(ClassId, ClassId), Site)> = edges
                .iter()
                .filter(|((a, b), _)| members.contains(a) && members.contains(b))
                .filter_map(
                    |(k, (wrapped, site))| if *wrapped { None } else { site.map(|s| (k, s)) },
                )
                .collect();
            let Some(&(_, site)) = unwrapped.first() else {
                continue;
            };
            let mut names: Vec<&str> = members
                .iter()
                .map(|&c| nest.classes[c].name.as_str())
                .collect();
            names.sort_unstable();
            let shown: Vec<String> = unwrapped
                .iter()
                .take(5)
                .map(|((a, b), _)| format!("{} → {}", nest.classes[*a].name, nest.classes[*b].name))
                .collect();
            let more = unwrapped.len().saturating_sub(shown.len());
            let path = super::path(model, site);
            let mut builder = FindingBuilder::new(
                &Self::META,
                path,
                site.span,
                names.join("|"),
                format!(
                    "{} modules import each other in a cycle ({}), and {}{} {} not wrapped in forwardRef: the boot works only while the files load in today's order",
                    names.len(),
                    names.join(", "),
                    shown.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                    if unwrapped.len() == 1 { "is" } else { "are" },
                ),
            )
            .severity(crate::finding::Severity::Warning)
            .help("wrap both sides of each import in the cycle in `forwardRef(() => X)`, or move what the modules share into one they all import");
            builder = super::in_package(builder, model, site.source);
            out.push(builder.build());
        }
    }

    fn applies(&self, cx: &Context<'_>, subject: Subject<'_>) -> bool {
        super::applies(cx, subject)
    }
}

/// Strongly connected components (Tarjan's algorithm, iterative).
fn components(
    nodes: &BTreeSet<ClassId>,
    edges: &BTreeMap<(ClassId, ClassId), (bool, Option<Site>)>,
) -> Vec<Vec<ClassId>> {
    let mut adjacency: BTreeMap<ClassId, Vec<ClassId>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        adjacency.entry(*a).or_default().push(*b);
    }
    let mut index: BTreeMap<ClassId, usize> = BTreeMap::new();
    let mut low: BTreeMap<ClassId, usize> = BTreeMap::new();
    let mut on_stack = BTreeSet::new();
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for &start in nodes {
        if index.contains_key(&start) {
            continue;
        }
        let mut work: Vec<(ClassId, usize)> = vec![(start, 0)];
        while let Some(&(v, i)) = work.last() {
            if i == 0 && !index.contains_key(&v) {
                index.insert(v, next);
                low.insert(v, next);
                next += 1;
                stack.push(v);
                on_stack.insert(v);
            }
            let successors = adjacency.get(&v).map_or(&[][..], Vec::as_slice);
            if let Some(&w) = successors.get(i) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if !index.contains_key(&w) {
                    work.push((w, 0));
                } else if on_stack.contains(&w) {
                    let lw = index[&w];
                    if let Some(l) = low.get_mut(&v) {
                        *l = (*l).min(lw);
                    }
                }
                continue;
            }
            work.pop();
            let lv = low[&v];
            if let Some(&(parent, _)) = work.last()
                && let Some(l) = low.get_mut(&parent)
            {
                *l = (*l).min(lv);
            }
            if lv == index[&v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack.remove(&w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::nest::fixtures::app;
    use crate::rules::testing::{Repo, Vectors, case};

    fn pair(a_import: &str, b_import: &str) -> Repo {
        app(&[
            (
                "src/app.module.ts",
                "import { Module } from '@nestjs/common';\nimport { AModule } from './a.module';\n@Module({ imports: [AModule] })\nexport class AppModule {}\n",
            ),
            (
                "src/a.module.ts",
                &format!(
                    "import {{ Module, forwardRef }} from '@nestjs/common';\nimport {{ BModule }} from './b.module';\n@Module({{ imports: [{a_import}] }})\nexport class AModule {{}}\n"
                ),
            ),
            (
                "src/b.module.ts",
                &format!(
                    "import {{ Module, forwardRef }} from '@nestjs/common';\nimport {{ AModule }} from './a.module';\n@Module({{ imports: [{b_import}] }})\nexport class BModule {{}}\n"
                ),
            ),
        ])
    }

    pub(super) fn vectors() -> Vectors {
        let mut quiet = crate::rules::nest::fixtures::boots_cases();
        quiet.push(case(
            "forwardRef on both sides",
            pair("forwardRef(() => BModule)", "forwardRef(() => AModule)"),
        ));
        // `const` aliases that name each other: followed a bounded number of steps.
        quiet.push(case(
            "an import through a cycle of const aliases",
            app(&[
                (
                    "src/app.module.ts",
                    "import { Module } from '@nestjs/common';\nconst A = B;\nconst B = C;\nconst C = A;\n@Module({ imports: [A] })\nexport class AppModule {}\n",
                ),
            ]),
        ));
        Vectors {
            fires: vec![
                case(
                    "the Nest-verified scenario",
                    Repo::fixture("nest/fails-circular-module-import"),
                ),
                case("no forwardRef", pair("BModule", "AModule")),
                case(
                    "forwardRef on one side only",
                    pair("forwardRef(() => BModule)", "AModule"),
                ),
            ],
            quiet,
        }
    }
}
