//! The Markdown summary (`--markdown`), rendered as GitHub renders it (comrak with the GFM
//! extensions and raw HTML let through, as GitHub lets `<details>` through): tables have their
//! columns, `<details>` balance, no repository string becomes HTML, a link or a mention, and
//! the 60,000-character cap holds with a line that says what was left out.

mod common;

use std::process::Command;

use common::{copy_fixture, fixture, scan_fixture};
use seaworthy::report::markdown::{self, render_markdown};

fn html(md: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(md, &options)
}

fn fixtures() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture(""))
        .expect("fixtures")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_renders_as_github_would() {
    for name in fixtures() {
        let analysis = scan_fixture(&name);
        let md = render_markdown(&analysis.report, markdown::MAX_CHARS);
        assert!(md.starts_with("<!-- seaworthy:report v1 -->\n"), "{name}");
        let out = html(&md);
        assert_eq!(
            out.matches("<details>").count(),
            out.matches("</details>").count(),
            "{name}: unbalanced <details>\n{md}"
        );
        // The category table: a header and one row per category, two columns.
        let table = out.split("<table>").nth(1).expect("a category table");
        let header = table.split("</thead>").next().unwrap_or_default();
        assert_eq!(header.matches("<th>").count(), 2, "{name}: {header}");
        let rows = table.split("</table>").next().unwrap_or_default();
        assert_eq!(
            rows.matches("<tr>").count(),
            1 + analysis.report.categories.len(),
            "{name}"
        );
        for f in analysis
            .report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
        {
            assert!(
                md.contains(&format!("{}:{}", f.location.path, f.location.line)),
                "{name}: {} missing",
                f.location.path
            );
        }
        assert!(
            !out.contains("<a "),
            "{name}: a link from repository text\n{out}"
        );
    }
}

#[test]
fn hostile_names_stay_text() {
    // The html-escaping fixture's own names, and hand-made worse ones on a repository with
    // services.
    let own = render_markdown(&scan_fixture("html-escaping").report, markdown::MAX_CHARS);
    assert!(!html(&own).contains("<script"), "{own}");
    let analysis = scan_fixture("pnpm-undeclared-prom-client");
    let mut report = analysis.report.clone();
    let mut hostile = report.findings.first().cloned().expect("a finding");
    hostile.message =
        "`</details><script>alert(1)</script>` @everyone fixes #1 | see https://evil.test [x](javascript:1)"
            .to_string();
    hostile.location.path = "a|b/</details><img src=x>.ts".to_string();
    report.findings.push(hostile);
    if let Some(s) = report.services.first_mut() {
        s.name = "<script>x</script>|@org/team".to_string();
    }
    let md = render_markdown(&report, markdown::MAX_CHARS);
    let out = html(&md);
    for bad in ["<script", "<img", "<a ", "@everyone", "@org"] {
        assert!(!out.contains(bad), "{bad} got through:\n{out}");
    }
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
    // A service name with `|` does not add a column.
    let services = out.split("<table>").nth(2).expect("service table");
    let first_row = services.split("<tbody>").nth(1).expect("rows");
    let first_row = first_row.split("</tr>").next().unwrap_or_default();
    assert_eq!(first_row.matches("<td").count(), 6, "{first_row}");
}

#[test]
fn the_cap_holds_and_says_what_was_left_out() {
    let analysis = scan_fixture("pnpm-undeclared-prom-client");
    let mut report = analysis.report.clone();
    let template = report.findings.first().cloned().expect("a finding");
    for i in 0..5_000 {
        let mut f = template.clone();
        f.location.path = format!("services/gen/src/file-{i:05}.ts");
        f.rule = format!("deps/rule-{}", i % 7);
        report.findings.push(f);
    }
    let md = render_markdown(&report, markdown::MAX_CHARS);
    assert!(md.chars().count() <= markdown::MAX_CHARS, "{}", md.len());
    let line = md
        .lines()
        .find(|l| l.contains("findings left out"))
        .expect("says what was left out");
    let left: usize = line
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let shown = md.matches("services/gen/src/file-").count();
    assert!(left > 0 && shown > 100, "{left} left, {shown} shown");
    let listed = md.lines().filter(|l| l.starts_with("- ")).count();
    let active = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    assert_eq!(listed + left, active);
    let out = html(&md);
    assert_eq!(
        out.matches("<details>").count(),
        out.matches("</details>").count()
    );
}

#[test]
fn a_baseline_marks_new_and_lists_fixed() {
    let repo = copy_fixture("pnpm-undeclared-prom-client", "markdown-baseline");
    let bin = env!("CARGO_BIN_EXE_seaworthy");
    let baseline = repo.with_extension("md-baseline.json");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("scan")
            .arg(&repo)
            .args(["--no-progress", "-q"])
            .args(args)
            .output()
            .expect("runs")
    };
    run(&["--json", baseline.to_str().expect("utf-8 path")]);
    std::fs::write(
        repo.join("services/auth/src/extra.ts"),
        "import { z } from 'zod-undeclared-here';\nexport const s = z;\n",
    )
    .expect("write");
    let out = run(&[
        "--baseline",
        baseline.to_str().expect("utf-8 path"),
        "--markdown",
        "-",
    ]);
    let md = String::from_utf8(out.stdout).expect("utf-8");
    assert!(md.contains("**1 new**"), "{md}");
    assert!(
        md.contains("**new** `services/auth/src/extra.ts:1`"),
        "{md}"
    );
    assert_eq!(md.matches("**new** `").count(), 1, "{md}");
    assert!(md.contains("| Category | Score | Δ |"), "{md}");
}

#[test]
fn snapshot() {
    let analysis = scan_fixture("pnpm-undeclared-prom-client");
    insta::assert_snapshot!(render_markdown(&analysis.report, markdown::MAX_CHARS));
}
