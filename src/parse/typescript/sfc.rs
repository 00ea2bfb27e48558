//! Vue, Svelte and Astro components: their script blocks hold imports like any TypeScript
//! file. A small scanner finds the blocks (`<script>`, `<script setup>`, Svelte's
//! `<script module>`, Astro's `---` frontmatter and bundled `<script>` tags), and the blocks
//! are parsed with the TypeScript grammar as one text in which everything else is blanked:
//! spaces for every byte outside the blocks, line breaks kept. Byte offsets, and so lines and
//! columns, are the original file's, with nothing to map back.
//!
//! The scanner is hand-written: it is a few hundred lines, and no maintained crate extracts
//! component blocks without pulling in a whole compiler (oxc's partial loader is internal to
//! its linter). It is not an HTML parser: it knows comments, quoted and `{…}` attribute values,
//! raw-text elements (`<style>`) and, for Vue and Svelte, which scripts are top-level blocks.
//! It never fails: an unterminated block runs to the end of the file, and an unterminated tag
//! ends the scan.

use std::collections::HashSet;

use super::{Budget, Dialect, ParseError, SourceFacts};

/// Which component format a file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    Vue,
    Svelte,
    Astro,
}

impl Flavor {
    pub(super) fn of(path: &str) -> Option<Flavor> {
        match path.rsplit_once('.')?.1 {
            "vue" => Some(Flavor::Vue),
            "svelte" => Some(Flavor::Svelte),
            "astro" => Some(Flavor::Astro),
            _ => None,
        }
    }
}

/// The language a block declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    /// `lang="ts"` / `lang="typescript"` (and Astro, which is always TypeScript).
    Ts,
    /// `lang="tsx"`.
    Tsx,
    /// No `lang`, `js` or `jsx`.
    Js,
}

/// One script block: the byte range of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    start: usize,
    end: usize,
    lang: Lang,
}

/// What a component's scripts say. Imports used only as types are dropped (TypeScript's
/// elision) in Vue `lang="ts"` blocks, where the compiler hands the script to TypeScript or
/// esbuild, and a binding the template names counts as a value there. Svelte and Astro keep
/// every import not marked `type`: their preprocessors cannot see markup use, so they
/// preserve value imports (and their tsconfig presets set `verbatimModuleSyntax`).
pub(super) fn parse(flavor: Flavor, text: &str, budget: Budget) -> Result<SourceFacts, ParseError> {
    let blocks = blocks(flavor, text);
    let elides = flavor == Flavor::Vue && blocks.iter().any(|b| b.lang != Lang::Js);
    let mut facts = if blocks.is_empty() {
        SourceFacts::default()
    } else {
        let dialect = if blocks.iter().all(|b| b.lang == Lang::Ts) {
            Dialect::TypeScript
        } else {
            Dialect::Tsx
        };
        super::parse_script(&masked(text, &blocks), text, dialect, budget, false)?
    };
    facts.elides_type_only = Some(elides);
    if elides {
        let words = markup_words(text, &blocks);
        let used: Vec<String> = facts
            .imports
            .iter()
            .flat_map(|i| i.value_bindings())
            .filter(|b| words.contains(*b))
            .map(str::to_string)
            .collect();
        facts.value_refs.extend(used);
    }
    Ok(facts)
}

/// The file with every byte outside `blocks` replaced by a space, line breaks kept.
fn masked(text: &str, blocks: &[Block]) -> String {
    let mut bytes: Vec<u8> = text
        .bytes()
        .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
        .collect();
    for block in blocks {
        if let (Some(dst), Some(src)) = (
            bytes.get_mut(block.start..block.end),
            text.as_bytes().get(block.start..block.end),
        ) {
            dst.copy_from_slice(src);
        }
    }
    // Blocks start after an ASCII `>` or a line break and end before a `<` or at the end, so
    // the text stays UTF-8; should it not, nothing is parsed rather than anything panicking.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Identifier-like words of the markup (outside the blocks and comments), with kebab-case
/// names also in camelCase and PascalCase: `<my-button>` uses `MyButton`, `v-focus` uses
/// `vFocus`, `{{ format(x) }}` uses `format`.
fn markup_words(text: &str, blocks: &[Block]) -> HashSet<String> {
    let mut words = HashSet::new();
    let mut from = 0;
    let mut add = |segment: &str| {
        let segment = strip_comments(segment);
        for word in segment.split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '-')))
        {
            if word.is_empty() {
                continue;
            }
            if word.contains('-') {
                let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
                let pascal: String = parts.iter().map(|p| capitalized(p)).collect();
                if let Some(first) = parts.first() {
                    let camel = format!(
                        "{first}{}",
                        parts[1..]
                            .iter()
                            .map(|p| capitalized(p))
                            .collect::<String>()
                    );
                    words.insert(camel);
                }
                words.insert(pascal);
                words.extend(parts.iter().map(|p| (*p).to_string()));
            }
            words.insert(word.to_string());
        }
    };
    for block in blocks {
        if let Some(segment) = text.get(from..block.start) {
            add(segment);
        }
        from = block.end;
    }
    if let Some(segment) = text.get(from..) {
        add(segment);
    }
    words
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `text` without its `<!-- … -->` comments.
fn strip_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<!--") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        out.push_str(&rest[..open]);
        rest = rest[open + 4..]
            .find("-->")
            .map_or("", |close| &rest[open + 4 + close + 3..]);
    }
    out.push_str(rest);
    out.into()
}

/// The script blocks of a component, in file order.
fn blocks(flavor: Flavor, text: &str) -> Vec<Block> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    if flavor == Flavor::Astro
        && let Some((block, after)) = frontmatter(text)
    {
        out.push(block);
        i = after;
    }
    // Depth inside elements whose scripts are not component blocks: Vue's `<template>`,
    // Svelte's `<svelte:head>` (ordinary page scripts).
    let mut nested = 0usize;
    while let Some(offset) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        let lt = i + offset;
        if b[lt..].starts_with(b"<!--") {
            i = find(b, b"-->", lt + 4).map_or(b.len(), |end| end + 3);
            continue;
        }
        let Some(tag) = tag(b, lt) else {
            i = lt + 1;
            continue;
        };
        let Some(tag_end) = tag.end else {
            // An unterminated tag: nothing after it is markup the scan can read.
            break;
        };
        i = tag_end;
        let name = tag.name.to_ascii_lowercase();
        let container = match flavor {
            Flavor::Vue => name == "template",
            Flavor::Svelte => name == "svelte:head",
            Flavor::Astro => false,
        };
        if container && !tag.self_closing {
            if tag.closing {
                nested = nested.saturating_sub(1);
            } else {
                nested += 1;
            }
            continue;
        }
        if tag.closing || tag.self_closing {
            continue;
        }
        if name == "script" || name == "style" || name == "textarea" {
            // Raw text up to the matching end tag (or the end of the file).
            let close = find_end_tag(b, &name, tag_end);
            let content_end = close.unwrap_or(b.len());
            i = close
                .and_then(|c| find(b, b">", c))
                .map_or(b.len(), |gt| gt + 1);
            if name == "script"
                && nested == 0
                && let Some(lang) = script_lang(flavor, &tag.attrs)
            {
                out.push(Block {
                    start: tag_end,
                    end: content_end,
                    lang,
                });
            }
        }
    }
    out
}

/// Astro's frontmatter: a `---` line at the top (after blank lines), up to the next `---`
/// line, or to the end of the file when there is none. Returns the block and the offset after
/// its closing fence.
fn frontmatter(text: &str) -> Option<(Block, usize)> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let open = text.len() - trimmed.len();
    let first_line = trimmed.split(['\n']).next().unwrap_or_default();
    if first_line.trim_end() != "---" {
        return None;
    }
    let start = (open + first_line.len() + 1).min(text.len());
    let mut at = start;
    for line in text.get(start..)?.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((
                Block {
                    start,
                    end: at,
                    lang: Lang::Ts,
                },
                at + line.len(),
            ));
        }
        at += line.len();
    }
    Some((
        Block {
            start,
            end: text.len(),
            lang: Lang::Ts,
        },
        text.len(),
    ))
}

/// Which scripts are component code, and their language. Astro bundles a `<script>` with no
/// attributes but `src`; any other attribute makes it `is:inline`, left to the browser as is.
fn script_lang(flavor: Flavor, attrs: &[(String, Option<String>)]) -> Option<Lang> {
    let attr = |name: &str| {
        attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_deref().unwrap_or_default().to_ascii_lowercase())
    };
    if flavor == Flavor::Astro {
        return attrs
            .iter()
            .all(|(n, _)| n.eq_ignore_ascii_case("src"))
            .then_some(Lang::Ts);
    }
    // `<script src="…">` holds no code of its own.
    if attr("src").is_some() {
        return None;
    }
    let lang =
        attr("lang").or_else(|| attr("type").map(|t| t.trim_start_matches("text/").to_string()));
    match lang.as_deref() {
        Some("ts" | "typescript") => Some(Lang::Ts),
        Some("tsx") => Some(Lang::Tsx),
        None | Some("" | "js" | "jsx" | "javascript" | "module") => Some(Lang::Js),
        // `type="application/ld+json"`, `lang="coffee"`: not JavaScript.
        Some(_) => None,
    }
}

/// A start or end tag read from its `<`.
#[derive(Debug)]
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, Option<String>)>,
    /// The offset after the closing `>`; `None` when the file ends first.
    end: Option<usize>,
}

/// The tag at `lt`, or `None` when `<` starts no tag (`a < b` in text).
fn tag(b: &[u8], lt: usize) -> Option<Tag<'_>> {
    let mut i = lt + 1;
    let closing = b.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_' | b'.'))
    {
        i += 1;
    }
    let name = std::str::from_utf8(&b[name_start..i]).ok()?;
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match b.get(i) {
            None => {
                return Some(Tag {
                    name,
                    closing,
                    self_closing,
                    attrs,
                    end: None,
                });
            }
            Some(b'>') => {
                return Some(Tag {
                    name,
                    closing,
                    self_closing,
                    attrs,
                    end: Some(i + 1),
                });
            }
            Some(b'/') => {
                self_closing = b.get(i + 1) == Some(&b'>');
                i += 1;
                continue;
            }
            Some(b'{') => {
                // Svelte and Astro: `{...props}`, `{name}` as an attribute.
                i = skip_braces(b, i);
                continue;
            }
            Some(_) => {}
        }
        let attr_start = i;
        while b
            .get(i)
            .is_some_and(|&c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/'))
        {
            i += 1;
        }
        if i == attr_start {
            // A stray `=`: step over it.
            i += 1;
            continue;
        }
        let attr_name = String::from_utf8_lossy(&b[attr_start..i]).into_owned();
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let value_start = i;
            match b.get(i) {
                Some(&q @ (b'"' | b'\'' | b'`')) => {
                    let close = b
                        .get(i + 1..)
                        .and_then(|rest| rest.iter().position(|&c| c == q))
                        .map_or(b.len(), |p| i + 1 + p);
                    value = Some(String::from_utf8_lossy(&b[i + 1..close]).into_owned());
                    i = (close + 1).min(b.len());
                }
                Some(b'{') => {
                    i = skip_braces(b, i);
                    value = Some(String::from_utf8_lossy(&b[value_start..i]).into_owned());
                }
                _ => {
                    while b
                        .get(i)
                        .is_some_and(|&c| !c.is_ascii_whitespace() && c != b'>')
                    {
                        i += 1;
                    }
                    value = Some(String::from_utf8_lossy(&b[value_start..i]).into_owned());
                }
            }
        }
        attrs.push((attr_name, value));
    }
}

/// The offset after the `}` matching the `{` at `open` (strings inside skipped), or the end.
fn skip_braces(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(&c) = b.get(i) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' | b'\'' | b'`' => {
                i = b
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().position(|&q| q == c))
                    .map_or(b.len(), |p| i + 1 + p);
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The offset of `</name` (any letter case, followed by a space, `/` or `>`) from `from`.
fn find_end_tag(b: &[u8], name: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let lt = find(b, b"</", at)?;
        let after = lt + 2 + name.len();
        if b.get(lt + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
        {
            return Some(lt);
        }
        at = lt + 2;
    }
}

fn find(b: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use crate::parse::typescript::{ImportKind, parse};

    /// (specifier, line, column, end column, elided with TypeScript's rules).
    fn imports(path: &str, text: &str) -> Vec<(String, u32, u32, u32, bool)> {
        let facts = parse(path, text).unwrap();
        let ts = facts.elides_type_only.unwrap_or(false);
        facts
            .imports
            .iter()
            .map(|i| {
                (
                    i.specifier.clone(),
                    i.span.line,
                    i.span.column,
                    i.span.end_column,
                    facts.is_elided(i, false, ts),
                )
            })
            .collect()
    }

    fn owned(v: &[(&str, u32, u32, u32, bool)]) -> Vec<(String, u32, u32, u32, bool)> {
        v.iter()
            .map(|&(s, l, c, e, t)| (s.to_string(), l, c, e, t))
            .collect()
    }

    #[test]
    fn vue_script_and_script_setup_map_to_the_lines_and_columns_of_the_file() {
        let text = r#"<template>
  <!-- <script>import nope from 'commented';</script> -->
  <my-button :label="format(x)" />
  <script>import nested from 'not-a-block';</script>
</template>

<script lang="ts">
import { defineComponent } from 'vue';
export default defineComponent({});
</script>

<script setup lang="ts" generic="T extends Record<string, unknown>">
import MyButton from './MyButton.vue'; import { format } from 'date-fns';
import type { Props } from 'types-pkg';
import { Helper } from 'only-types';
import VueGithubButton from 'vue-github-button';
const p: Helper = null as never;
</script>
<style>.a { content: "<script>import x from 'css'</script>"; }</style>
"#;
        assert_eq!(
            imports("App.vue", text),
            owned(&[
                ("vue", 8, 1, 39, false),
                ("./MyButton.vue", 13, 1, 39, false),
                ("date-fns", 13, 40, 74, false),
                ("types-pkg", 14, 1, 40, true),
                // Used only as a type, and not in the template.
                ("only-types", 15, 1, 37, true),
                // The template does not name it either: TypeScript drops it.
                ("vue-github-button", 16, 1, 49, true),
            ])
        );
    }

    #[test]
    fn a_vue_javascript_block_keeps_every_import_and_parses_jsx() {
        let text =
            "<script>\nimport A from 'a';\nexport default { render: () => <div/> };\n</script>\n";
        let facts = parse("A.vue", text).unwrap();
        assert_eq!(facts.elides_type_only, Some(false));
        assert!(!facts.has_errors);
        assert_eq!(imports("A.vue", text), owned(&[("a", 2, 1, 19, false)]));
    }

    #[test]
    fn svelte_module_and_instance_scripts_keep_value_imports() {
        let text = "<script context=\"module\" lang=\"ts\">\n  import { load } from 'kit-helpers';\n</script>\n<script lang=\"ts\">\n  import Chart from 'chart-lib';\n  import type { T } from 't';\n</script>\n<svelte:head><script src=\"x.js\"></script><script>import y from 'head';</script></svelte:head>\n<button on:click={() => a > b}>{'<'}</button>\n<Chart />\n";
        assert_eq!(
            imports("C.svelte", text),
            owned(&[
                ("kit-helpers", 2, 3, 38, false),
                ("chart-lib", 5, 3, 33, false),
                ("t", 6, 3, 30, true),
            ])
        );
    }

    #[test]
    fn astro_frontmatter_and_bundled_scripts_count_inline_ones_do_not() {
        let text = "---\nimport Layout from '../layouts/Layout.astro';\nimport { z } from 'zod';\nconst n: number = 1;\n---\n<Layout title={n > 0 ? 'a' : 'b'}>\n<script>\n  import confetti from 'canvas-confetti';\n</script>\n<script is:inline>import x from 'inline';</script>\n<script type=\"module\">import y from 'module';</script>\n</Layout>\n";
        assert_eq!(
            imports("pages/index.astro", text),
            owned(&[
                ("../layouts/Layout.astro", 2, 1, 46, false),
                ("zod", 3, 1, 25, false),
                ("canvas-confetti", 8, 3, 42, false),
            ])
        );
    }

    #[test]
    fn columns_count_characters_after_multibyte_markup() {
        let text = "<p>héllo wörld</p><script>import a from 'a';</script>\n";
        assert_eq!(imports("A.svelte", text), owned(&[("a", 1, 27, 45, false)]));
        let facts = parse("A.svelte", text).unwrap();
        assert_eq!(facts.imports[0].kind, ImportKind::Static);
    }

    #[test]
    fn malformed_components_never_panic() {
        let cases = [
            "",
            "<",
            "<script",
            "<script lang=\"ts",
            "<script>import a from 'a';",
            "<script>import a from 'a';</scr",
            "<!-- <script>",
            "<template><template></template>",
            "</template></template><script>import b from 'b';</script>",
            "<script setup lang='ts'>\nconst s = '</script>';\n</script>",
            "<div {...{a: '}'}}><script>import c from 'c'</script>",
            "---\nimport x from 'x';\n",
            "---",
            "\u{feff}---\r\nimport y from 'y';\r\n---\r\n<p>é</p>",
            "<script>é</script>ü<script>ö",
            "<\u{e9}script>",
        ];
        for text in cases {
            for ext in ["vue", "svelte", "astro"] {
                let _ = parse(&format!("x.{ext}"), text);
            }
        }
        // An unterminated block runs to the end of the file.
        assert_eq!(
            imports("U.vue", "<script>import a from 'a';"),
            owned(&[("a", 1, 9, 27, false)])
        );
        // An unterminated frontmatter is read to the end.
        assert_eq!(
            imports("U.astro", "---\nimport x from 'x';\n"),
            owned(&[("x", 2, 1, 19, false)])
        );
        // CRLF files map to the same lines.
        assert_eq!(
            imports(
                "B.astro",
                "\u{feff}---\r\nimport y from 'y';\r\n---\r\n<p>é</p>"
            ),
            owned(&[("y", 2, 1, 19, false)])
        );
    }

    #[test]
    fn a_component_without_scripts_has_no_facts() {
        let facts = parse("T.vue", "<template><div/></template>\n").unwrap();
        assert!(facts.imports.is_empty());
        assert_eq!(facts.elides_type_only, Some(false));
    }
}
