//! Canonical JSON: the report struct, pretty-printed, with a trailing newline. Key order is
//! the struct's field order and every array is sorted upstream, so equal input gives equal bytes.

use super::{Analysis, Render, Report};

/// The canonical JSON report (`--json`).
pub struct Json;

impl Render for Json {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        Ok(render(&analysis.report))
    }
}

pub fn render(report: &Report) -> String {
    // Serializing plain structs, strings and numbers cannot fail.
    let mut out =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// The JSON Schema of the report, as committed in `schemas/report.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(Report);
    let mut out = serde_json::to_string_pretty(&schema).unwrap_or_default();
    out.push('\n');
    out
}
