//! Reading a JSON report back: the checks every reader of `--json` output shares (a baseline,
//! `seaworthy merge`), so that they accept and refuse the same files with the same words.
//!
//! A report is read leniently: each reader deserializes only the fields it uses, into its own
//! structs, so reports of every schema version this seaworthy reads are accepted and additive
//! changes never break a reader. What is checked here, before that: the size of the file, that
//! it is JSON, its `schemaVersion` (a newer one is refused, saying so), and that seaworthy wrote it.

use serde::de::DeserializeOwned;

use super::SCHEMA_VERSION;

/// The oldest report schema a reader accepts.
pub(crate) const OLDEST_READ: u32 = 1;

/// Larger than any report of 25,000 findings; a bigger file is refused rather than read.
pub(crate) const MAX_REPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads the report at `path` into `T` (the reader's own lenient view of it).
///
/// `again` ends the message for a report of an unreadable schema version: what to do instead
/// (`scan again to make a new baseline`).
///
/// # Errors
///
/// Why the file cannot be read as a report, in words for the user (without the path).
pub(crate) fn read_file<T: DeserializeOwned>(path: &str, again: &str) -> Result<T, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_REPORT_BYTES {
        return Err(format!(
            "{size} bytes is over the {MAX_REPORT_BYTES}-byte limit"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    parse(&text, again)
}

/// Reads a report's JSON text into `T`; see [`read_file`].
///
/// # Errors
///
/// Why the text is not a report this seaworthy reads.
pub(crate) fn parse<T: DeserializeOwned>(text: &str, again: &str) -> Result<T, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("not JSON ({e}); pass a report written by `--json`"))?;
    let version = value
        .get("schemaVersion")
        .and_then(serde_json::Value::as_u64)
        .ok_or(
            "not a seaworthy JSON report (no `schemaVersion`); pass a report written by `--json`",
        )?;
    if version > u64::from(SCHEMA_VERSION) {
        return Err(format!(
            "it has report schema {version}, newer than this seaworthy reads ({SCHEMA_VERSION}): upgrade seaworthy, or {again}"
        ));
    }
    if version < u64::from(OLDEST_READ) {
        return Err(format!(
            "it has report schema {version}, older than this seaworthy reads ({OLDEST_READ}–{SCHEMA_VERSION}): {again}"
        ));
    }
    // Checked before the reader's own fields, so that another tool's JSON is named as such.
    if let Some(name) = value
        .pointer("/tool/name")
        .and_then(serde_json::Value::as_str)
        && name != "seaworthy"
    {
        return Err(format!(
            "written by `{}`, not seaworthy",
            super::terminal::visible(name)
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        format!(
            "not a seaworthy report of schema {version} ({e}); pass a report written by `--json`"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Minimal {
        #[expect(dead_code, reason = "only its presence is tested")]
        tool: serde_json::Value,
    }

    #[test]
    fn refuses_what_it_cannot_read_with_a_reason() {
        let err = |t: &str| parse::<Minimal>(t, "scan again").unwrap_err();
        assert!(err("[").starts_with("not JSON"));
        assert!(err("{}").contains("no `schemaVersion`"));
        assert!(err(r#"{"schemaVersion": 9}"#).ends_with("upgrade seaworthy, or scan again"));
        assert!(err(r#"{"schemaVersion": 0}"#).ends_with(": scan again"));
        assert_eq!(
            err(r#"{"schemaVersion": 1, "tool": {"name": "eslint"}}"#),
            "written by `eslint`, not seaworthy"
        );
        assert!(err(r#"{"schemaVersion": 1}"#).contains("not a seaworthy report of schema 1"));
        assert!(
            parse::<Minimal>(r#"{"schemaVersion": 1, "tool": {"name": "seaworthy"}}"#, "").is_ok()
        );
    }
}
