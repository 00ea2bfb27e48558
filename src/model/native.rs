//! Which installed packages compile native code at install time (node-gyp: needs python3,
//! make and a C++ compiler in the image). Read from the lockfile's dependency graph: a package
//! that depends on one of the build helpers below builds (or downloads a prebuilt binary with a
//! compile fallback), plus a short list of packages that build without depending on a helper.
//! npm's `hasInstallScript` alone is not a signal: many packages have harmless install scripts
//! (`core-js` prints a banner, `esbuild` and `@swc/core` pick a prebuilt platform package).

/// Dependencies that mean "this package has a native addon to build or fetch".
pub const BUILD_HELPERS: &[(&str, &str)] = &[
    (
        "node-gyp-build",
        "loads a prebuilt addon or builds it with node-gyp when none matches",
    ),
    (
        "node-addon-api",
        "C++ headers for an addon compiled at install time",
    ),
    (
        "nan",
        "Native Abstractions for Node: headers for an addon compiled at install time",
    ),
    (
        "prebuild-install",
        "downloads a prebuilt binary and falls back to node-gyp",
    ),
    (
        "@mapbox/node-pre-gyp",
        "downloads a prebuilt binary and falls back to node-gyp",
    ),
    (
        "node-pre-gyp",
        "the unscoped predecessor of @mapbox/node-pre-gyp",
    ),
    ("node-gyp", "builds with node-gyp directly (node-sass, re2)"),
];

/// Packages known to build native code without depending on a helper above, each with why.
pub const KNOWN_NATIVE: &[(&str, &str)] = &[
    (
        "node-sass",
        "runs its own install script that compiles libsass with node-gyp",
    ),
    (
        "re2",
        "compiles Google's RE2 with node-gyp when no prebuilt artifact matches",
    ),
    (
        "cpu-features",
        "compiles with node-gyp (buildcheck) at install; an optional dependency of ssh2",
    ),
    (
        "dtrace-provider",
        "compiles a DTrace addon with node-gyp at install",
    ),
    ("libxmljs", "compiles libxml2 bindings at install"),
    ("libxmljs2", "compiles libxml2 bindings at install"),
    (
        "zeromq",
        "builds libzmq bindings (cmake-ts) when no prebuilt binary matches",
    ),
];

/// Why a package needs a native build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NativeReason {
    /// It depends on this build helper.
    Helper(&'static str),
    /// It is in [`KNOWN_NATIVE`]; the text says why.
    Known(&'static str),
}

impl NativeReason {
    pub fn describe(&self) -> String {
        match self {
            NativeReason::Helper(helper) => format!("depends on `{helper}`"),
            NativeReason::Known(why) => (*why).to_string(),
        }
    }
}

/// Decides from a package's name and the names it depends on.
pub fn native_reason<'a>(
    name: &str,
    mut dependencies: impl Iterator<Item = &'a str>,
) -> Option<NativeReason> {
    if let Some((_, why)) = KNOWN_NATIVE.iter().find(|(n, _)| *n == name) {
        return Some(NativeReason::Known(why));
    }
    dependencies
        .find_map(|dep| BUILD_HELPERS.iter().find(|(h, _)| *h == dep))
        .map(|(helper, _)| NativeReason::Helper(helper))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_and_known_packages_are_native_install_scripts_are_not() {
        assert_eq!(
            native_reason("argon2", ["node-addon-api", "@phc/format"].into_iter()),
            Some(NativeReason::Helper("node-addon-api"))
        );
        assert!(matches!(
            native_reason("node-sass", std::iter::empty()),
            Some(NativeReason::Known(_))
        ));
        assert_eq!(
            native_reason("esbuild", ["@esbuild/linux-x64"].into_iter()),
            None
        );
    }
}
