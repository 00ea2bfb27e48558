//! The module aliases a bundler config declares, read statically from its syntax tree: Vite's
//! and webpack's `resolve.alias` (object and array forms), Rollup's `alias({ entries })`,
//! Nuxt's and SvelteKit's `alias`, Turbopack's `resolveAlias`, babel `module-resolver`'s
//! `alias`, and assignments into an alias object (`config.resolve.alias['@x'] = …`,
//! `Object.assign(config.resolve.alias, { … })`).
//!
//! Only what is written as literals can be read. An alias object built elsewhere (`alias:
//! aliases`, `...makeAliases()`, a computed key, a `find` that is neither a string nor a
//! regular expression with a literal prefix) makes the set [`BundlerAliases::dynamic`]: the
//! model then keeps treating undeclared names in that package as possible aliases, because a
//! false alarm costs more than a miss.

use tree_sitter::Node;

/// What one bundler config says about module aliases.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BundlerAliases {
    /// Alias keys as a specifier matches them: `@helpers` matches `@helpers` and
    /// `@helpers/x`; a key ending in `/` (or taken from a regular expression's literal prefix)
    /// matches every specifier that starts with it.
    pub keys: Vec<AliasKey>,
    /// Some alias could not be read statically.
    pub dynamic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct AliasKey {
    pub key: String,
    /// Matches any specifier starting with `key` (a regular expression's prefix, `@/`).
    pub prefix: bool,
}

impl BundlerAliases {
    /// Whether `specifier` is one of the declared aliases.
    pub fn matches(&self, specifier: &str) -> bool {
        self.keys.iter().any(|k| {
            if k.prefix {
                specifier.starts_with(&k.key)
            } else {
                specifier == k.key
                    || specifier
                        .strip_prefix(k.key.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            }
        })
    }
}

/// Property names whose value is an alias map.
const ALIAS_KEYS: &[&str] = &["alias", "resolveAlias"];

/// Reads the aliases of a config file's tree. Iterative, so a deeply nested config cannot
/// overflow the stack.
pub(super) fn collect(root: Node<'_>, text: &str) -> BundlerAliases {
    let mut out = BundlerAliases::default();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "pair" => {
                if let Some(key) = node.child_by_field_name("key")
                    && let Some(value) = node.child_by_field_name("value")
                {
                    let name = key_name(key, text);
                    let is_alias = name.as_deref().is_some_and(|n| ALIAS_KEYS.contains(&n))
                        || name.as_deref() == Some("entries") && inside_alias_call(node, text);
                    if is_alias {
                        alias_value(value, text, &mut out);
                    }
                }
            }
            "assignment_expression" => assignment(node, text, &mut out),
            "call_expression" => object_assign(node, text, &mut out),
            _ => {}
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out.keys.sort();
    out.keys.dedup();
    out
}

/// `alias(...)` / `aliasPlugin(...)` around an `entries` property: `@rollup/plugin-alias`.
fn inside_alias_call(pair: Node<'_>, text: &str) -> bool {
    let mut node = pair.parent();
    for _ in 0..4 {
        let Some(n) = node else { return false };
        if n.kind() == "call_expression" {
            return n
                .child_by_field_name("function")
                .and_then(|f| text.get(f.byte_range()))
                .is_some_and(|f| f.to_ascii_lowercase().ends_with("alias"));
        }
        node = n.parent();
    }
    false
}

/// `x.alias = {…}`, `x.alias['k'] = …`, `x.alias.k = …`.
fn assignment(node: Node<'_>, text: &str, out: &mut BundlerAliases) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    match left.kind() {
        "member_expression" => {
            let property = left
                .child_by_field_name("property")
                .and_then(|p| text.get(p.byte_range()));
            if property.is_some_and(|p| ALIAS_KEYS.contains(&p)) {
                alias_value(right, text, out);
            } else if let Some(object) = left.child_by_field_name("object")
                && ends_with_alias(object, text)
                && let Some(property) = property
            {
                push(out, property, false);
            }
        }
        "subscript_expression" => {
            if let Some(object) = left.child_by_field_name("object")
                && ends_with_alias(object, text)
            {
                match left
                    .child_by_field_name("index")
                    .and_then(|i| super::string_value(i, text))
                {
                    Some(key) => push(out, &key, false),
                    None => out.dynamic = true,
                }
            }
        }
        _ => {}
    }
}

/// `Object.assign(config.resolve.alias, { … })`.
fn object_assign(node: Node<'_>, text: &str, out: &mut BundlerAliases) {
    let callee = node
        .child_by_field_name("function")
        .and_then(|f| text.get(f.byte_range()));
    if callee != Some("Object.assign") {
        return;
    }
    let Some(arguments) = node.child_by_field_name("arguments") else {
        return;
    };
    let mut cursor = arguments.walk();
    let mut args = arguments.named_children(&mut cursor);
    if !args
        .next()
        .is_some_and(|target| ends_with_alias(target, text))
    {
        return;
    }
    for arg in args {
        alias_value(arg, text, out);
    }
}

/// An expression naming an alias map: `alias`, `config.resolve.alias`, `resolve?.alias`.
fn ends_with_alias(node: Node<'_>, text: &str) -> bool {
    let name = match node.kind() {
        "member_expression" => node
            .child_by_field_name("property")
            .and_then(|p| text.get(p.byte_range())),
        "identifier" => text.get(node.byte_range()),
        "parenthesized_expression" | "non_null_expression" => {
            return node
                .named_child(0)
                .is_some_and(|inner| ends_with_alias(inner, text));
        }
        _ => None,
    };
    name.is_some_and(|n| ALIAS_KEYS.contains(&n) || n == "aliases")
}

/// The value of an alias property: an object of keys, an array of `{ find, replacement }`.
fn alias_value(node: Node<'_>, text: &str, out: &mut BundlerAliases) {
    match node.kind() {
        "object" => {
            let mut cursor = node.walk();
            for member in node.named_children(&mut cursor) {
                match member.kind() {
                    "pair" => match member
                        .child_by_field_name("key")
                        .and_then(|k| key_name(k, text))
                    {
                        Some(key) => push(out, &key, false),
                        None => out.dynamic = true,
                    },
                    "shorthand_property_identifier" => {
                        if let Some(key) = text.get(member.byte_range()) {
                            push(out, key, false);
                        }
                    }
                    // Spreading the existing alias map in (`...config.resolve.alias`) adds
                    // nothing new; anything else spread in is unknown.
                    "spread_element" => {
                        if !member
                            .named_child(0)
                            .is_some_and(|inner| ends_with_alias(inner, text))
                        {
                            out.dynamic = true;
                        }
                    }
                    "comment" | "method_definition" => {}
                    _ => out.dynamic = true,
                }
            }
        }
        "array" => {
            let mut cursor = node.walk();
            for element in node.named_children(&mut cursor) {
                match element.kind() {
                    "object" => find_entry(element, text, out),
                    "comment" => {}
                    "spread_element"
                        if element
                            .named_child(0)
                            .is_some_and(|inner| ends_with_alias(inner, text)) => {}
                    _ => out.dynamic = true,
                }
            }
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
            match node.named_child(0) {
                Some(inner) => alias_value(inner, text, out),
                None => out.dynamic = true,
            }
        }
        _ => out.dynamic = true,
    }
}

/// `{ find: '@x', replacement: … }` or `{ find: /^@x\//, … }`.
fn find_entry(object: Node<'_>, text: &str, out: &mut BundlerAliases) {
    let mut cursor = object.walk();
    let find = object.named_children(&mut cursor).find_map(|member| {
        (member.kind() == "pair"
            && member
                .child_by_field_name("key")
                .and_then(|k| key_name(k, text))
                .as_deref()
                == Some("find"))
        .then(|| member.child_by_field_name("value"))
        .flatten()
    });
    let Some(find) = find else {
        out.dynamic = true;
        return;
    };
    if let Some(key) = super::string_value(find, text) {
        push(out, &key, false);
        return;
    }
    if find.kind() == "regex"
        && let Some(pattern) = find
            .child_by_field_name("pattern")
            .and_then(|p| text.get(p.byte_range()))
        && let Some(prefix) = regex_prefix(pattern)
    {
        push(out, &prefix, true);
        return;
    }
    out.dynamic = true;
}

/// The literal text a regular expression anchored with `^` requires at the start: `^@x\/`
/// gives `@x/`. `None` when it is not anchored or starts with a metacharacter.
fn regex_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let mut prefix = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => prefix.push(e),
                _ => break,
            },
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '$' => {
                // A quantifier makes the previous character optional or repeated.
                if matches!(c, '*' | '?' | '{') {
                    prefix.pop();
                }
                break;
            }
            c => prefix.push(c),
        }
    }
    (!prefix.is_empty()).then_some(prefix)
}

fn key_name(key: Node<'_>, text: &str) -> Option<String> {
    match key.kind() {
        "property_identifier" | "identifier" | "number" => {
            text.get(key.byte_range()).map(str::to_string)
        }
        "string" | "template_string" => super::string_value(key, text),
        _ => None,
    }
}

fn push(out: &mut BundlerAliases, key: &str, prefix: bool) {
    // webpack's `xyz$` means "exactly xyz".
    let key = key.strip_suffix('$').unwrap_or(key);
    if key.is_empty() {
        out.dynamic = true;
        return;
    }
    let prefix = prefix || key.ends_with('/');
    out.keys.push(AliasKey {
        key: key.to_string(),
        prefix,
    });
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn aliases(path: &str, text: &str) -> BundlerAliases {
        parse(path, text).unwrap().aliases.unwrap()
    }

    fn keys(a: &BundlerAliases) -> Vec<&str> {
        a.keys.iter().map(|k| k.key.as_str()).collect()
    }

    #[test]
    fn reads_object_and_array_forms() {
        let a = aliases(
            "vite.config.ts",
            "import { defineConfig } from 'vite';\nexport default defineConfig({ resolve: { alias: { '@helpers': '/src/h', utils: './u', 'exact$': './e' } } });\n",
        );
        assert_eq!(keys(&a), ["@helpers", "exact", "utils"]);
        assert!(!a.dynamic);
        assert!(a.matches("@helpers/x") && a.matches("utils") && !a.matches("utilsx"));

        let a = aliases(
            "vite.config.mts",
            "export default { resolve: { alias: [{ find: '~lib', replacement: 'x' }, { find: /^@app\\/(.*)$/, replacement: 'y' }] } };\n",
        );
        assert_eq!(keys(&a), ["@app/", "~lib"]);
        assert!(a.matches("@app/z") && !a.matches("@apps"));
        assert!(!a.dynamic);
    }

    #[test]
    fn reads_assignments_and_rollup_entries() {
        let a = aliases(
            "next.config.js",
            "module.exports = { webpack: (config) => { config.resolve.alias['canvas'] = false; config.resolve.alias.encoding = false; Object.assign(config.resolve.alias, { 'x-y': 'z' }); return config; } };\n",
        );
        assert_eq!(keys(&a), ["canvas", "encoding", "x-y"]);
        assert!(!a.dynamic);

        let a = aliases(
            "rollup.config.mjs",
            "import alias from '@rollup/plugin-alias';\nexport default { plugins: [alias({ entries: [{ find: 'lib', replacement: './l' }] })] };\n",
        );
        assert_eq!(keys(&a), ["lib"]);
    }

    #[test]
    fn what_cannot_be_read_is_dynamic() {
        for text in [
            "const aliases = make();\nexport default { resolve: { alias: aliases } };\n",
            "export default { resolve: { alias: { ...make() } } };\n",
            "export default { resolve: { alias: { [name]: 'x' } } };\n",
            "export default { resolve: { alias: [{ find: name, replacement: 'x' }] } };\n",
            "module.exports = (c) => { c.resolve.alias[key] = 'x'; };\n",
        ] {
            assert!(aliases("vite.config.ts", text).dynamic, "{text}");
        }
        // A config without aliases declares none, and spreading the existing map adds none.
        let a = aliases(
            "webpack.config.js",
            "module.exports = { resolve: { alias: { ...config.resolve.alias } }, entry: './src' };\n",
        );
        assert!(a.keys.is_empty() && !a.dynamic);
        let a = aliases("vite.config.ts", "export default {};\n");
        assert!(a.keys.is_empty() && !a.dynamic);
    }

    #[test]
    fn only_bundler_configs_carry_aliases() {
        assert!(
            parse("src/a.ts", "export const x = { alias: { a: 1 } };\n")
                .unwrap()
                .aliases
                .is_none()
        );
    }

    #[test]
    fn regex_prefixes() {
        assert_eq!(regex_prefix(r"^@\/(.*)$").as_deref(), Some("@/"));
        assert_eq!(regex_prefix(r"^lodash$").as_deref(), Some("lodash"));
        assert_eq!(regex_prefix(r"^ab?c").as_deref(), Some("a"));
        assert_eq!(regex_prefix(r"lodash"), None);
        assert_eq!(regex_prefix(r"^.*"), None);
    }
}
