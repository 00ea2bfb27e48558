//! Which installed packages compile native code at install time (node-gyp: needs python3,
//! make and a C++ compiler in the image). Read from the lockfile's dependency graph: a package
//! that depends on one of the build helpers (`src/data/native_build_helpers.rs`) builds (or downloads a prebuilt binary with a
//! compile fallback), plus a short list of packages that build without depending on a helper (`src/data/known_native.rs`).
//! npm's `hasInstallScript` alone is not a signal: many packages have harmless install scripts
//! (`core-js` prints a banner, `esbuild` and `@swc/core` pick a prebuilt platform package).

use crate::data::{self, known_native::KNOWN_NATIVE, native_build_helpers::BUILD_HELPERS};

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
pub(crate) fn native_reason<'a>(
    name: &str,
    mut dependencies: impl Iterator<Item = &'a str>,
) -> Option<NativeReason> {
    if let Some(known) = data::find(KNOWN_NATIVE, name) {
        return Some(NativeReason::Known(known.reason));
    }
    dependencies
        .find_map(|dep| data::find(BUILD_HELPERS, dep))
        .map(|helper| NativeReason::Helper(helper.name))
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
