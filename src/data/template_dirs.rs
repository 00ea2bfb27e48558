//! Folder names that hold a code generator's templates. A package.json under one (at any depth)
//! that no workspace installs is a file the generator writes out, not a package of the
//! repository: `deps/unused` does not report its dependencies. Matched exactly against each
//! folder of the path.

use super::Entry;

/// Folder names of generator templates, matched against each path segment.
pub(crate) const TEMPLATE_DIRS: &[Entry] = &[
    Entry {
        name: "templates",
        reason: "a code generator's templates: the package.json files in them are output, not packages",
        source: "convention: Yeoman, Plop, Nx generators",
    },
    Entry {
        name: "template",
        reason: "a code generator's or a create-* starter's template",
        source: "convention: create-* starters",
    },
    Entry {
        name: "__template__",
        reason: "a generator's template folder",
        source: "convention: code generators",
    },
    Entry {
        name: "__templates__",
        reason: "a generator's templates folder",
        source: "convention: code generators",
    },
    Entry {
        name: "package-json",
        reason: "a generator's template for the package.json it writes (amplication's data-service-generator)",
        source: "seen: amplication packages/data-service-generator/src/server/package-json",
    },
    Entry {
        name: "boilerplate",
        reason: "a starter a generator copies",
        source: "convention: code generators",
    },
    Entry {
        name: "boilerplates",
        reason: "starters a generator copies",
        source: "convention: code generators",
    },
    Entry {
        name: "scaffold",
        reason: "files a generator copies",
        source: "convention: code generators",
    },
    Entry {
        name: "scaffolds",
        reason: "files a generator copies",
        source: "convention: code generators",
    },
    Entry {
        name: "skeleton",
        reason: "files a generator copies",
        source: "convention: code generators",
    },
];
