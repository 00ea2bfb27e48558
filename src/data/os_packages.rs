//! What installing an OS package (`apt-get install`, `apk add`) adds to an image, for the
//! questions the Docker rules ask: is there curl, wget, a shell, a native toolchain, an init.
//! Read by `model::docker::install`; matched exactly against the package name (a version
//! suffix such as `=7.88*` or `~3.11` is cut first).

use super::Entry;

/// Tools a stage can gain, by the name rules use.
pub(crate) const CURL: &str = "curl";
pub(crate) const WGET: &str = "wget";
pub(crate) const PYTHON: &str = "python3";
pub(crate) const MAKE: &str = "make";
pub(crate) const CXX: &str = "g++";
pub(crate) const BASH: &str = "bash";
pub(crate) const TINI: &str = "tini";
pub(crate) const DUMB_INIT: &str = "dumb-init";

/// A package and the tools it adds (`name`), with why.
pub(crate) struct OsPackage {
    pub(crate) package: &'static str,
    pub(crate) adds: &'static [&'static str],
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "why the package adds the tools and where that is documented; the table test reads it"
        )
    )]
    pub(crate) about: Entry,
}

const fn pkg(
    package: &'static str,
    adds: &'static [&'static str],
    reason: &'static str,
) -> OsPackage {
    OsPackage {
        package,
        adds,
        about: Entry {
            name: package,
            reason,
            source: "Debian and Alpine package indexes (packages.debian.org, pkgs.alpinelinux.org)",
        },
    }
}

pub(crate) const OS_PACKAGES: &[OsPackage] = &[
    pkg("curl", &[CURL], "the curl binary"),
    pkg("wget", &[WGET], "GNU wget"),
    pkg("busybox", &[WGET], "busybox's wget applet"),
    pkg(
        "python3",
        &[PYTHON],
        "the python3 interpreter node-gyp runs",
    ),
    pkg("python3-minimal", &[PYTHON], "a python3 interpreter"),
    pkg("python3-dev", &[PYTHON], "python3 with headers"),
    pkg(
        "python",
        &[PYTHON],
        "python (python3 on current Alpine and Debian)",
    ),
    pkg("python-is-python3", &[PYTHON], "python pointing at python3"),
    pkg("py3-pip", &[PYTHON], "Alpine's pip, which pulls python3"),
    pkg("make", &[MAKE], "GNU make"),
    pkg("g++", &[CXX], "the GNU C++ compiler"),
    pkg("gcc-c++", &[CXX], "the GNU C++ compiler (RPM name)"),
    pkg(
        "clang",
        &[CXX],
        "clang, which node-gyp can use as the C++ compiler",
    ),
    pkg(
        "build-essential",
        &[MAKE, CXX],
        "Debian's make, gcc and g++",
    ),
    pkg(
        "build-base",
        &[MAKE, CXX],
        "Alpine's make, gcc, g++ and libc headers",
    ),
    pkg(
        "alpine-sdk",
        &[MAKE, CXX],
        "Alpine's build-base plus abuild and git",
    ),
    pkg(
        "node-gyp",
        &[PYTHON, MAKE, CXX],
        "Debian's node-gyp package depends on python3, make and g++",
    ),
    pkg("bash", &[BASH], "GNU bash"),
    pkg("tini", &[TINI], "tini, an init for containers"),
    pkg(
        "dumb-init",
        &[DUMB_INIT],
        "dumb-init, an init for containers",
    ),
];

/// The tools a package adds (none for a package the table does not know).
pub(crate) fn adds(package: &str) -> &'static [&'static str] {
    let name = package
        .split(['=', '~', '>', '<'])
        .next()
        .unwrap_or(package);
    OS_PACKAGES
        .iter()
        .find(|p| p.package == name)
        .map_or(&[], |p| p.adds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_package_says_what_it_adds_and_why() {
        for p in OS_PACKAGES {
            assert!(
                !p.adds.is_empty() && !p.about.reason.is_empty() && !p.about.source.is_empty(),
                "{}",
                p.package
            );
        }
        assert_eq!(adds("curl=7.88.1-10"), [CURL]);
        assert_eq!(adds("python3~3.11"), [PYTHON]);
        assert!(adds("libvips").is_empty());
    }
}
