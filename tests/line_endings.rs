//! Line numbers where lines end in `\r` alone (classic Mac OS) or in a mix of `\r\n`, `\n` and
//! `\r`: a finding on the third line is reported on line 3, with that line as its snippet, in
//! every kind of file that carries positions.

mod common;

use std::path::PathBuf;

use common::scan_path;

/// A repository written to a fresh temporary directory, removed when dropped.
struct TempRepo(PathBuf);

impl TempRepo {
    fn new(name: &str, files: &[(&str, &str)]) -> TempRepo {
        let dir = std::env::temp_dir().join(format!(
            "seaworthy-line-endings-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            let parent = path.parent().expect("a file path has a parent");
            std::fs::create_dir_all(parent).expect("create the test repository");
            std::fs::write(&path, text).expect("write a test file");
        }
        TempRepo(dir)
    }
}

impl Drop for TempRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// (path, line, snippet) of every finding of `rule`.
fn found(files: &[(&str, &str)], name: &str, rule: &str) -> Vec<(String, u32, String)> {
    let repo = TempRepo::new(name, files);
    let analysis = scan_path(&repo.0, name, Some(1));
    assert!(
        analysis.report.errors.is_empty(),
        "{:#?}",
        analysis.report.errors
    );
    analysis
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let path = f.location.path.clone();
            let line = f.location.line;
            let snippet = analysis.snippets.get(&path, line).unwrap_or("").to_string();
            (path, line, snippet)
        })
        .collect()
}

#[test]
fn an_import_on_the_third_line_is_on_line_3_whatever_ends_the_lines() {
    for (name, eol) in [("cr", "\r"), ("crlf", "\r\n"), ("lf", "\n")] {
        let manifest = [
            "{",
            "  \"name\": \"api\",",
            "  \"dependencies\": {}",
            "}",
            "",
        ]
        .join(eol);
        let source = [
            "// one",
            "// two",
            "import client from 'prom-client';",
            "client();",
            "",
        ]
        .join(eol);
        let files = [
            ("package.json", manifest.as_str()),
            ("src/main.ts", source.as_str()),
        ];
        let got = found(&files, name, "deps/undeclared");
        assert_eq!(
            got,
            [(
                "src/main.ts".to_string(),
                3,
                "import client from 'prom-client';".to_string()
            )],
            "{name}"
        );
    }
}

#[test]
fn mixed_line_ends_count_each_break_once() {
    // `\r\n`, `\r` and `\n` in one file: five breaks before the import, so it is on line 6.
    let source = "// a\r\n// b\r// c\n\r\n// e\rimport client from 'prom-client';\r\nclient();\n";
    let files = [
        (
            "package.json",
            "{\"name\": \"api\", \"dependencies\": {}}\n",
        ),
        ("src/main.ts", source),
    ];
    let got = found(&files, "mixed", "deps/undeclared");
    assert_eq!(
        got,
        [(
            "src/main.ts".to_string(),
            6,
            "import client from 'prom-client';".to_string()
        )]
    );
}
