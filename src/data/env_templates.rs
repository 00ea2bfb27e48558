//! Suffixes that mark a `.env.*` file as a template to copy, not an environment with values:
//! `.env.example`, `.env.local.sample`. Matched exactly against the last dot-separated part
//! of the file name (`docker/missing-dockerignore` does not ask to exclude these).

use super::Entry;

pub(crate) const ENV_TEMPLATES: &[Entry] = &[
    Entry {
        name: "example",
        reason: "the usual name of the committed template listing the variables an app reads",
        source: "dotenv README: `.env.example`; create-t3-app, NestJS and Next.js examples",
    },
    Entry {
        name: "sample",
        reason: "a common synonym of example for the committed template",
        source: "convention: `.env.sample` in Rails/Node starters",
    },
    Entry {
        name: "template",
        reason: "a committed template, named for what it is",
        source: "convention: `.env.template`",
    },
    Entry {
        name: "dist",
        reason: "the `.dist` suffix of distributed defaults (Symfony, PHP tooling) that Node repos copy too",
        source: "Symfony docs: `.env.dist` (before 4.1)",
    },
    Entry {
        name: "tpl",
        reason: "a short form of template",
        source: "convention: `.env.tpl` (1Password `op inject` templates)",
    },
    Entry {
        name: "defaults",
        reason: "non-secret defaults that dotenv-defaults merges under `.env`",
        source: "dotenv-defaults README: `.env.defaults`",
    },
];

/// Whether a file name is an environment file with values: `.env`, `.env.production`, not
/// `.env.example`.
pub(crate) fn holds_values(file_name: &str) -> bool {
    if file_name == ".env" {
        return true;
    }
    let Some(rest) = file_name.strip_prefix(".env.") else {
        return false;
    };
    let last = rest.rsplit('.').next().unwrap_or(rest);
    !rest.is_empty() && !super::contains(ENV_TEMPLATES, last)
}
