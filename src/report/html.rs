//! The HTML report: one self-contained file (`--html FILE`) that a person opens from a CI
//! artifact or attaches to an issue.
//!
//! - Rendered server-side with tera from `templates/report.html.tera`, registered as
//!   `report.html` so that autoescaping is on: every string from the repository (names,
//!   paths, messages, source lines) is escaped. `| safe` is used only for text built here: the
//!   stylesheet and script below, the Content-Security-Policy, and the embedded JSON, whose
//!   `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes (see [`script_json`]).
//! - No network request of any kind: the CSS and JS are inline, and a
//!   `<meta http-equiv="Content-Security-Policy">` allows nothing (`default-src 'none'`) but
//!   that exact stylesheet and script (by their sha256 hashes, computed here at render time)
//!   and `data:` images.
//! - Readable without JavaScript and printable; the script only adds the filters (severity,
//!   category, service, new only) whose state lives in the URL hash.
//! - Usable at 10,000 findings: at most [`MAX_ROWS_PER_RULE`] rows per rule are rendered, and the
//!   rest are counted ("N more in the JSON report").
//!
//! This module turns the [`Analysis`] into a plain, serializable view (`Page`) so that the
//! template holds no logic beyond loops and conditions, and so that source lines from
//! [`super::Snippets`] reach the template without making `Snippets` serializable.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    Analysis, CategoryStatus, CheckStatus, Counts, ErrorEntry, FixedFinding, Rating, Report,
};
use crate::finding::{BaselineState, Category, Finding, Related, Severity};

/// Rows rendered per rule; the rest are only in the JSON (embedded and `--json`).
pub const MAX_ROWS_PER_RULE: usize = 200;
/// Rows rendered in the secondary lists (failing checks beyond the first ones, suppressed and
/// fixed findings, errors).
const MAX_LIST_ROWS: usize = 200;
/// Failing checks shown before the "more checks" disclosure.
const TOP_CHECKS: usize = 15;

const TEMPLATE: &str = include_str!("../../templates/report.html.tera");

/// The inline stylesheet. Its sha256 goes into the CSP, so it is inserted byte for byte.
const STYLE: &str = r#"
:root {
  --fg: #1f2328; --muted: #59636e; --faint: #818b98; --line: #d1d9e0; --soft: #eef1f4;
  --bg: #f6f8fa; --card: #ffffff; --link: #0b57b8;
  --pass: #118a44; --pass-ink: #0b6b33; --pass-bg: #e6f4ea;
  --average: #e8820c; --average-ink: #a24d00; --average-bg: #fff1e0;
  --fail: #d93026; --fail-ink: #b3261e; --fail-bg: #fdecea;
  --unknown: #8c959f; --unknown-ink: #59636e; --unknown-bg: #eef1f4;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: var(--mono); font-size: 13px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 19px; font-weight: 600; margin: 0 0 12px; }
h2 .n { color: var(--muted); font-weight: 400; }
.wrap { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

/* Header */
.top { background: var(--card); border-bottom: 1px solid var(--line); padding: 20px 0 0; }
.brand { font-size: 13px; font-weight: 600; letter-spacing: .04em; text-transform: uppercase; color: var(--muted); }
.top h1 { font-size: 24px; font-weight: 600; margin: 4px 0 4px; overflow-wrap: anywhere; }
.top h1 code { font-size: inherit; font-weight: 600; }
.run { margin: 0; color: var(--muted); font-size: 13px; }
.run span + span::before { content: "·"; margin: 0 8px; color: var(--faint); }
.toc { display: flex; flex-wrap: wrap; gap: 4px 20px; margin-top: 14px; font-size: 14px; }
.toc a { display: inline-block; padding: 8px 0 10px; color: var(--muted); border-bottom: 2px solid transparent; }
.toc a:hover { color: var(--fg); border-bottom-color: var(--line); text-decoration: none; }
.toc .n { color: var(--faint); }

main.wrap { padding-top: 28px; padding-bottom: 48px; }
section { margin: 0 0 32px; }
section.fold { margin-bottom: 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; }

/* Summary */
.hero { display: grid; grid-template-columns: auto 1fr; gap: 28px; padding: 24px 28px; align-items: center; }
.hero .verdict { font-size: 20px; font-weight: 600; margin: 0 0 6px; }
.hero .verdict .rating { font-size: 14px; vertical-align: 3px; margin-left: 6px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 12px; padding: 0; list-style: none; }
.stats li { border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; min-width: 92px; }
.stats b { display: block; font-size: 20px; font-weight: 600; }
.stats span { font-size: 12px; color: var(--muted); }
.stats .error b { color: var(--fail-ink); }
.stats .warning b { color: var(--average-ink); }
.stats .info b { color: var(--link); }
.stats .zero b { color: var(--faint); }
details.how summary { cursor: pointer; color: var(--link); font-size: 14px; }
details.how p { max-width: 72ch; margin: 8px 0 0; color: var(--muted); font-size: 14px; }
.notice { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; background: var(--average-bg); color: var(--average-ink); font-size: 14px; }

/* Gauges */
.gauge { display: block; }
.gauge .track { fill: none; stroke: var(--soft); }
.gauge .arc { fill: none; stroke-linecap: round; }
.gauge text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-weight: 600; text-anchor: middle; dominant-baseline: central; }
.band-pass .arc { stroke: var(--pass); } .band-pass text { fill: var(--pass-ink); }
.band-average .arc { stroke: var(--average); } .band-average text { fill: var(--average-ink); }
.band-fail .arc { stroke: var(--fail); } .band-fail text { fill: var(--fail-ink); }
.band-unknown .arc, .band-na .arc { stroke: var(--unknown); } .band-unknown text, .band-na text { fill: var(--unknown-ink); }
.band-na .track { stroke-dasharray: 2 3; }
.rating { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 999px; text-transform: uppercase; letter-spacing: .03em; }
.rating.band-pass { background: var(--pass-bg); color: var(--pass-ink); }
.rating.band-average { background: var(--average-bg); color: var(--average-ink); }
.rating.band-fail { background: var(--fail-bg); color: var(--fail-ink); }
.rating.band-unknown, .rating.band-na { background: var(--unknown-bg); color: var(--unknown-ink); }

.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); }
.cat { padding: 16px 12px 14px; text-align: center; }
.cat .gauge { margin: 0 auto 8px; }
.cat h3 { font-size: 14px; font-weight: 600; }
.cat p { margin: 4px 0 0; font-size: 12px; color: var(--muted); }
.services { grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); }
.svc { padding: 12px 14px; display: flex; gap: 12px; align-items: flex-start; justify-content: space-between; }
.svc > div { min-width: 0; }
.svc h3 { font-size: 14px; font-weight: 600; overflow-wrap: anywhere; margin-bottom: 2px; }
.svc .where { margin: 0 0 6px; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.svc .where code { font-size: 12px; }
.svc-score { flex: none; display: flex; flex-direction: column; align-items: center; gap: 2px; }
.label { font-size: 10px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.label.band-pass { color: var(--pass-ink); } .label.band-average { color: var(--average-ink); }
.label.band-fail { color: var(--fail-ink); } .label.band-unknown, .label.band-na { color: var(--unknown-ink); }
.svc .counts { font-size: 12px; color: var(--muted); }
.kind { display: inline-block; font-size: 11px; padding: 0 6px; border: 1px solid var(--line); border-radius: 4px; color: var(--muted); margin-left: 4px; vertical-align: 1px; font-weight: 400; }

/* Tables */
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--soft); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; background: #fafbfc; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.table { overflow-x: auto; }
.impact { font-weight: 600; color: var(--fail-ink); }
details.more-rows > summary { cursor: pointer; padding: 10px 12px; color: var(--link); font-size: 14px; border-top: 1px solid var(--soft); }

/* Filters */
.filters { padding: 12px 16px; margin: 0 0 16px; display: flex; flex-wrap: wrap; gap: 10px 22px; align-items: center; font-size: 13px; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.filters legend { float: left; margin-right: 4px; color: var(--muted); font-weight: 600; }
.chip { position: relative; }
.chip input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.chip span { display: inline-block; padding: 3px 10px; border: 1px solid var(--line); border-radius: 999px; cursor: pointer; user-select: none; background: var(--card); }
.chip span i { font-style: normal; color: var(--faint); margin-left: 4px; }
.chip input:checked + span { background: #ddeafb; border-color: #7aa7e0; color: #0a3d80; }
.chip input:focus-visible + span { outline: 2px solid var(--link); outline-offset: 1px; }
.filters button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); cursor: pointer; color: var(--fg); }
.filters .status { margin-left: auto; color: var(--muted); }
.empty { padding: 24px; text-align: center; color: var(--muted); }

/* Rule groups and findings */
.rule { margin: 0 0 14px; }
.rule > summary { list-style: none; cursor: pointer; padding: 12px 16px; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.rule > summary::-webkit-details-marker { display: none; }
.rule > summary::before { content: "\25B8"; color: var(--faint); width: 10px; display: inline-block; transition: transform .1s; }
.rule[open] > summary::before { transform: rotate(90deg); }
.rule > summary h3 { font-size: 15px; font-weight: 600; font-family: var(--mono); }
.rule > summary .summary-text { color: var(--muted); font-size: 14px; flex: 1 1 300px; }
.rule > summary .count { margin-left: auto; font-size: 13px; color: var(--muted); white-space: nowrap; }
.rule[open] > summary { border-bottom: 1px solid var(--line); }
.rule-help { margin: 0; padding: 0 16px; border-bottom: 1px solid var(--soft); }
.rule-help > summary { cursor: pointer; padding: 8px 0; font-size: 13px; color: var(--link); }
.rule-help pre { white-space: pre-wrap; background: var(--bg); border-radius: 6px; padding: 12px 14px; margin: 0 0 12px; max-width: 100ch; font-size: 12.5px; line-height: 1.5; }
.findings { list-style: none; margin: 0; padding: 0; }
.finding { padding: 14px 16px 14px; border-bottom: 1px solid var(--soft); content-visibility: auto; contain-intrinsic-size: auto 150px; }
.finding:last-child { border-bottom: 0; }
.finding:target { background: #fffbe6; box-shadow: inset 3px 0 0 var(--average); }
.finding .head { display: flex; gap: 10px; align-items: baseline; }
.finding .msg { margin: 0; font-weight: 500; overflow-wrap: anywhere; flex: 1; }
.finding .loc { display: block; margin: 4px 0 0; font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.finding .loc a { color: var(--muted); }
.sev { display: inline-block; flex: none; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: 1px 7px; border-radius: 4px; border: 1px solid; }
.sev-error { color: var(--fail-ink); background: var(--fail-bg); border-color: #f3b7b1; }
.sev-warning { color: var(--average-ink); background: var(--average-bg); border-color: #f2c999; }
.sev-info { color: #0550ae; background: #e3f0fe; border-color: #a9cdf4; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 4px; background: #e8e3fb; color: #4b2fa8; }
pre.snippet { margin: 8px 0 0; padding: 8px 0; background: #f6f8fa; border: 1px solid var(--soft); border-radius: 6px; overflow-x: auto; line-height: 1.45; tab-size: 4; }
pre.snippet .ln { display: inline-block; min-width: 3.5em; padding: 0 12px 0 10px; margin-right: 10px; text-align: right; color: var(--faint); border-right: 1px solid var(--line); user-select: none; }
pre.snippet code { padding-right: 12px; }
pre.snippet mark { background: #fde68a; color: inherit; border-radius: 2px; box-shadow: 0 1px 0 #d97706; }
.finding .help { margin: 8px 0 0; font-size: 14px; overflow-wrap: anywhere; }
.finding .help b { font-weight: 600; }
.related { margin: 6px 0 0; padding: 0 0 0 18px; font-size: 13px; color: var(--muted); }
.related code { font-size: 12.5px; color: var(--fg); }
.facts { margin: 8px 0 0; font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 2px 16px; }
.facts b { font-weight: 600; color: var(--fg); font-weight: 500; }
.more { margin: 0; padding: 10px 16px; font-size: 13px; color: var(--muted); background: #fafbfc; border-top: 1px solid var(--soft); border-radius: 0 0 10px 10px; }
.plain-list { list-style: none; margin: 0; padding: 0; }
.plain-list li { padding: 8px 16px; border-bottom: 1px solid var(--soft); font-size: 14px; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.plain-list li:last-child { border-bottom: 0; }
.plain-list code { font-weight: 600; }
.state { font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; }
details.section > summary { cursor: pointer; padding: 12px 16px; font-weight: 600; }
details.section[open] > summary { border-bottom: 1px solid var(--line); }
details.section > summary .n { color: var(--muted); font-weight: 400; }
footer { color: var(--faint); font-size: 12px; padding: 0 0 40px; }
[hidden] { display: none !important; }

@media (max-width: 640px) {
  .wrap { padding: 0 14px; }
  .hero { grid-template-columns: 1fr; justify-items: start; padding: 18px; }
}
@media print {
  body { background: #fff; font-size: 11pt; }
  .wrap { max-width: none; padding: 0; }
  .top { border: 0; padding-top: 0; }
  .toc, .filters, .rule > summary::before { display: none !important; }
  .card { border-color: #ccc; break-inside: auto; }
  .finding { content-visibility: visible; break-inside: avoid; }
  .cat, .svc, .hero { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: contents; }
  details > summary { list-style: none; }
  details.more-rows > summary, .rule-help > summary { color: var(--muted); }
  a { color: inherit; }
  pre.snippet { white-space: pre-wrap; overflow-wrap: anywhere; }
  .finding[hidden], .rule[hidden] { display: block !important; }
}
"#;

/// The inline script: client-side filters, kept in the URL hash (`#sev=error,warning&cat=…`),
/// and print support. Progressive enhancement only: without it the page shows everything.
const SCRIPT: &str = r##"
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("filters");
  var rows = Array.prototype.slice.call(document.querySelectorAll("details.rule li.finding[data-sev]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.rule[data-rule]"));
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("filter-empty");
  var KEYS = ["sev", "cat", "svc"];

  // Every finding that counts, from the embedded JSON: rules beyond the rendered rows are
  // counted from here ("N more in the JSON report").
  var all = [];
  try {
    var data = JSON.parse(document.getElementById("seaworthy-data").textContent);
    all = data.findings.filter(function (f) { return !f.suppressed; }).map(function (f) {
      return { rule: f.rule, sev: f.severity, cat: f.category, svc: f.service || "", isNew: f.baselineState === "new" };
    });
  } catch (e) { all = null; }

  function decode(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }
  function blank() { return { sev: [], cat: [], svc: [], isNew: false }; }

  // A hash with "=" is a filter state; anything else is an anchor and returns null.
  function parseHash() {
    var h = location.hash.slice(1);
    if (h.indexOf("=") < 0) return null;
    var state = blank();
    h.split("&").forEach(function (part) {
      var i = part.indexOf("=");
      if (i < 0) return;
      var key = part.slice(0, i), value = part.slice(i + 1);
      if (key === "new") state.isNew = value === "1";
      else if (KEYS.indexOf(key) >= 0) state[key] = value.split(",").map(decode);
    });
    return state;
  }
  function formatHash(state) {
    var parts = [];
    KEYS.forEach(function (k) {
      if (state[k].length) parts.push(k + "=" + state[k].map(encodeURIComponent).join(","));
    });
    if (state.isNew) parts.push("new=1");
    return parts.join("&");
  }
  function readForm() {
    var state = blank();
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]:checked"), function (input) {
      if (input.name === "new") state.isNew = true;
      else state[input.name].push(input.value);
    });
    return state;
  }
  function writeForm(state) {
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (input) {
      input.checked = input.name === "new" ? state.isNew : state[input.name].indexOf(input.value) >= 0;
    });
  }
  function matches(state, sev, cat, svc, isNew) {
    return (!state.sev.length || state.sev.indexOf(sev) >= 0) &&
      (!state.cat.length || state.cat.indexOf(cat) >= 0) &&
      (!state.svc.length || state.svc.indexOf(svc) >= 0) &&
      (!state.isNew || isNew);
  }
  function apply(state) {
    var visibleByRule = {}, shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = matches(state, d.sev, d.cat, d.svc, d["new"] === "1");
      row.hidden = !ok;
      if (ok) { shown++; visibleByRule[d.rule] = (visibleByRule[d.rule] || 0) + 1; }
    });
    var matchingByRule = {}, total = 0;
    if (all) {
      all.forEach(function (f) {
        if (matches(state, f.sev, f.cat, f.svc, f.isNew)) { total++; matchingByRule[f.rule] = (matchingByRule[f.rule] || 0) + 1; }
      });
    } else {
      total = shown;
      matchingByRule = visibleByRule;
    }
    groups.forEach(function (g) {
      var rule = g.dataset.rule, visible = visibleByRule[rule] || 0, matching = matchingByRule[rule] || 0;
      g.hidden = matching === 0 && visible === 0;
      var count = g.querySelector(".count-n");
      if (count) count.textContent = String(Math.max(matching, visible));
      var more = g.querySelector(".more");
      if (more) {
        var rest = matching - visible;
        more.hidden = rest <= 0;
        var n = more.querySelector(".more-n");
        if (n) n.textContent = String(Math.max(rest, 0));
      }
    });
    if (status) status.textContent = "Showing " + total + " of " + (all ? all.length : rows.length) + " findings";
    if (empty) empty.hidden = total !== 0;
  }
  function update(state, writeHash) {
    writeForm(state);
    apply(state);
    if (!writeHash) return;
    var hash = formatHash(state);
    var url = location.pathname + location.search + (hash ? "#" + hash : "");
    try { history.replaceState(null, "", url); } catch (e) { location.hash = hash; }
  }
  // Following a link to a finding or rule: open its sections and, if a filter hides it, clear
  // the filters so that it shows.
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    var hiddenByFilter = false;
    for (var el = target; el; el = el.parentElement) {
      if (el.hidden) hiddenByFilter = true;
      if (el.tagName === "DETAILS" && el !== target) el.open = true;
    }
    if (hiddenByFilter) update(blank(), false);
    target.scrollIntoView();
  }
  function onHash() {
    var state = parseHash();
    if (state) update(state, false);
    else reveal(decode(location.hash.slice(1)));
  }

  if (form) {
    form.hidden = false;
    form.addEventListener("change", function () { update(readForm(), true); });
    var clear = document.getElementById("filter-clear");
    if (clear) clear.addEventListener("click", function () { update(blank(), true); });
    window.addEventListener("hashchange", onHash);
    var initial = parseHash();
    update(initial || blank(), false);
    if (!initial && location.hash) reveal(decode(location.hash.slice(1)));
  }

  // Printing shows everything: every section open, no filter applied.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
"##;

/// The self-contained HTML report (`--html`).
pub struct Html;

impl super::Render for Html {
    fn render(&self, analysis: &Analysis) -> Result<String, String> {
        render(analysis).map_err(|e| format!("cannot render the HTML report: {e}"))
    }
}

/// Renders the report. Deterministic: the same analysis gives the same bytes.
///
/// # Errors
///
/// Only if the template is broken (a tera parse or render error); the tests render it.
pub fn render(analysis: &Analysis) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    // The `.html` name turns autoescaping on.
    tera.add_raw_template("report.html", TEMPLATE)?;
    let page = Page::build(analysis);
    let context = tera::Context::from_serialize(&page)?;
    tera.render("report.html", &context)
}

/// The Content-Security-Policy: nothing may load except the inline stylesheet and script
/// (by hash) and `data:` images; no base URL or form target can be changed.
fn content_security_policy(style: &str, script: &str) -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_base64(style),
        sha256_base64(script)
    )
}

fn sha256_base64(text: &str) -> String {
    base64(Sha256::digest(text.as_bytes()).as_slice())
}

/// Standard base64 (RFC 4648, with padding), as CSP hash sources need.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        // A chunk of k bytes gives k + 1 characters; `=` pads to 4.
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The JSON made safe inside `<script type="application/json">`: `<` (so that no `</script>`
/// or `<!--` can appear), `>`, `&`, U+2028 and U+2029 become `\uXXXX` escapes. These characters
/// only ever occur inside JSON strings, where the escapes mean the same thing.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The view the template renders. Every field is plain data; strings from the repository are
// escaped by tera, never marked safe.

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    csp: String,
    style: &'static str,
    script: &'static str,
    /// The canonical JSON, escaped for a script element (see [`script_json`]).
    data: String,
    tool_version: &'a str,
    root: &'a str,
    started_at: &'a str,
    duration: String,
    files_scanned: usize,
    overall: Gauge,
    counts: Counts,
    total: usize,
    new: usize,
    fixed: usize,
    has_baseline: bool,
    scoring: &'a str,
    categories: Vec<CategoryView>,
    services: Vec<ServiceView<'a>>,
    /// All failing checks: `checks` shown, `more_checks` behind a disclosure, and the rest
    /// (`checks_left_out`) only in the JSON.
    checks_total: usize,
    checks: Vec<CheckView<'a>>,
    more_checks_total: usize,
    more_checks: Vec<CheckView<'a>>,
    checks_left_out: usize,
    groups: Vec<RuleGroup<'a>>,
    /// Rules that ran without a finding that counts.
    passed: Vec<PassedRule<'a>>,
    suppressed: Vec<FindingView<'a>>,
    suppressed_total: usize,
    fixed_list: Vec<&'a FixedFinding>,
    fixed_left_out: usize,
    errors: Vec<&'a ErrorEntry>,
    errors_total: usize,
    filters: Filters,
}

/// A score as a ring: `dash` is the filled share of a circle whose path length is 100.
#[derive(Serialize)]
struct Gauge {
    /// The number shown: the score, `?` when unknown, `–` when not applicable.
    text: String,
    /// pass, average, fail, unknown or not applicable: always said in words.
    label: &'static str,
    /// CSS class suffix for the colour band.
    band: &'static str,
    dash: u32,
}

impl Gauge {
    fn of(score: Option<u32>) -> Gauge {
        match score {
            Some(score) => {
                let rating = Rating::of(score);
                Gauge {
                    text: score.to_string(),
                    label: rating.as_str(),
                    band: rating.as_str(),
                    dash: score.min(100),
                }
            }
            None => Gauge::unknown(),
        }
    }
    fn unknown() -> Gauge {
        Gauge {
            text: "?".to_string(),
            label: "unknown",
            band: "unknown",
            dash: 0,
        }
    }
    fn not_applicable() -> Gauge {
        Gauge {
            text: "–".to_string(),
            label: "not applicable",
            band: "na",
            dash: 0,
        }
    }
}

#[derive(Serialize)]
struct CategoryView {
    id: &'static str,
    title: String,
    gauge: Gauge,
    weight: u32,
    pass: usize,
    fail: usize,
    not_applicable: usize,
    unknown: usize,
}

#[derive(Serialize)]
struct ServiceView<'a> {
    name: &'a str,
    kind: &'static str,
    path: &'a str,
    /// False for a root-level image service, whose Dockerfile and compose file say where it is.
    show_path: bool,
    dockerfile: Option<&'a str>,
    compose_file: Option<&'a str>,
    gauge: Gauge,
    /// `2 errors · 1 info`, or `no findings`.
    counts: String,
    #[serde(skip)]
    score: Option<u32>,
}

#[derive(Serialize)]
struct CheckView<'a> {
    rule: &'a str,
    anchor: String,
    /// Whether the rule has a findings group to link to.
    linked: bool,
    category: &'static str,
    service: Option<&'a str>,
    status: &'static str,
    findings: usize,
    impact: String,
    score: String,
}

#[derive(Serialize)]
struct RuleGroup<'a> {
    id: &'a str,
    anchor: String,
    severity: &'static str,
    category_title: &'static str,
    summary: &'a str,
    /// The rule's full help, in Markdown (shown as preformatted text).
    help: &'a str,
    /// Findings of this rule that count.
    total: usize,
    rows: Vec<FindingView<'a>>,
    /// Findings not rendered (beyond [`MAX_ROWS_PER_RULE`]).
    more: usize,
    /// Points the overall score would gain if the rule's checks passed (see [`points`]).
    impact: String,
}

#[derive(Serialize)]
struct PassedRule<'a> {
    id: &'a str,
    anchor: String,
    category: &'static str,
    summary: &'a str,
    /// passed, not applicable, unknown.
    state: &'static str,
    suppressed: usize,
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    fingerprint: &'a str,
    severity: &'static str,
    category: &'static str,
    category_title: &'static str,
    message: &'a str,
    help: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    snippet: Option<SnippetView>,
    related: &'a [Related],
    /// Filter value: the service's name, or empty.
    service: &'a str,
    workspace: Option<&'a str>,
    is_new: bool,
    baseline_state: Option<&'static str>,
    suppressed: Option<&'a str>,
}

/// The source line a finding points at, split around the highlighted columns.
#[derive(Serialize)]
struct SnippetView {
    before: String,
    hit: String,
    after: String,
}

#[derive(Serialize)]
struct Filters {
    severities: Vec<FilterOption>,
    categories: Vec<FilterOption>,
    /// Empty when fewer than two distinct values would make the filter pointless.
    services: Vec<FilterOption>,
    show_new: bool,
    new_count: usize,
}

#[derive(Serialize)]
struct FilterOption {
    value: String,
    label: String,
    count: usize,
}

impl<'a> Page<'a> {
    fn build(analysis: &'a Analysis) -> Page<'a> {
        let report = &analysis.report;
        let counting: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .collect();

        // Findings that count, by rule, in report order (path, line, column).
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &counting {
            by_rule.entry(f.rule.as_str()).or_default().push(f);
        }
        let mut impact_by_rule: BTreeMap<&str, f64> = BTreeMap::new();
        for c in &report.checks {
            *impact_by_rule.entry(c.rule.as_str()).or_default() += c.impact;
        }

        let has_baseline =
            report.fixed.is_some() || report.findings.iter().any(|f| f.baseline_state.is_some());
        let groups = rule_groups(analysis, &by_rule, &impact_by_rule);
        let passed = passed_rules(report, &by_rule);

        let mut checks: Vec<CheckView<'_>> = report
            .checks
            .iter()
            .map(|c| CheckView {
                rule: &c.rule,
                anchor: anchor_rule(&c.rule),
                linked: by_rule.contains_key(c.rule.as_str()),
                category: c.category.id(),
                service: c.service.as_deref(),
                status: match c.status {
                    CheckStatus::Fail => "fail",
                    CheckStatus::Unknown => "unknown",
                },
                findings: c.findings,
                impact: points(c.impact),
                score: format!("{:.2}", c.score),
            })
            .collect();
        let rest = if checks.len() > TOP_CHECKS {
            checks.split_off(TOP_CHECKS)
        } else {
            Vec::new()
        };
        let checks_left_out = rest.len().saturating_sub(MAX_LIST_ROWS);
        let more_checks: Vec<CheckView<'_>> = rest.into_iter().take(MAX_LIST_ROWS).collect();

        let suppressed_all: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.suppressed.is_some())
            .collect();
        let fixed_all = report.fixed.as_deref().unwrap_or_default();

        let mut services: Vec<ServiceView<'_>> = report
            .services
            .iter()
            .map(|s| ServiceView {
                name: &s.name,
                kind: service_kind(s.kind),
                path: &s.path,
                show_path: s.path != "." || (s.dockerfile.is_none() && s.compose_file.is_none()),
                dockerfile: s.dockerfile.as_deref(),
                compose_file: s.compose_file.as_deref(),
                gauge: Gauge::of(s.score),
                counts: counts_text(&s.counts),
                score: s.score,
            })
            .collect();
        // Worst first: unknown scores, then ascending; the report's order breaks ties.
        services.sort_by_key(|s| s.score.map_or(0, |n| n + 1));

        let score_text = report
            .summary
            .score
            .map_or_else(|| "?".to_string(), |s| s.to_string());
        Page {
            title: format!("seaworthy: {} — score {score_text}", report.run.root),
            csp: content_security_policy(STYLE, SCRIPT),
            style: STYLE,
            script: SCRIPT,
            data: script_json(&super::json::render(report)),
            tool_version: &report.tool.version,
            root: &report.run.root,
            started_at: &report.run.started_at,
            duration: duration(report.run.duration_ms),
            files_scanned: report.run.files_scanned,
            overall: Gauge::of(report.summary.score),
            counts: report.summary.counts,
            total: counting.len(),
            new: report.summary.new,
            fixed: report.summary.fixed,
            has_baseline,
            scoring: &report.summary.scoring,
            categories: report
                .categories
                .iter()
                .map(|c| CategoryView {
                    id: c.id.id(),
                    title: c.title.clone(),
                    gauge: match c.status {
                        CategoryStatus::Scored => Gauge::of(c.score),
                        CategoryStatus::Unknown => Gauge::unknown(),
                        CategoryStatus::NotApplicable => Gauge::not_applicable(),
                    },
                    weight: c.weight,
                    pass: c.checks.pass,
                    fail: c.checks.fail,
                    not_applicable: c.checks.not_applicable,
                    unknown: c.checks.unknown,
                })
                .collect(),
            services,
            checks_total: report.checks.len(),
            checks,
            more_checks_total: more_checks.len() + checks_left_out,
            more_checks,
            checks_left_out,
            groups,
            passed,
            suppressed: suppressed_all
                .iter()
                .take(MAX_LIST_ROWS)
                .map(|f| finding_view(analysis, f))
                .collect(),
            suppressed_total: suppressed_all.len(),
            fixed_list: fixed_all.iter().take(MAX_LIST_ROWS).collect(),
            fixed_left_out: fixed_all.len().saturating_sub(MAX_LIST_ROWS),
            errors: report.errors.iter().take(MAX_LIST_ROWS).collect(),
            errors_total: report.errors.len(),
            filters: filters(&counting, has_baseline),
        }
    }
}

/// Rules with findings, the ones whose checks would recover the most points first, then by
/// severity, number of findings and id.
fn rule_groups<'a>(
    analysis: &'a Analysis,
    by_rule: &BTreeMap<&'a str, Vec<&'a Finding>>,
    impact_by_rule: &BTreeMap<&str, f64>,
) -> Vec<RuleGroup<'a>> {
    let report = &analysis.report;
    let mut groups: Vec<(f64, Severity, RuleGroup<'_>)> = by_rule
        .iter()
        .map(|(&id, findings)| {
            let info = report.rules.iter().find(|r| r.id == id);
            // A rule missing from `rules` (it should not happen) still gets a group.
            let severity = info.map_or(findings[0].severity, |r| r.severity);
            let category = info.map_or(findings[0].category, |r| r.category);
            let impact = impact_by_rule.get(id).copied().unwrap_or(0.0);
            let group = RuleGroup {
                id,
                anchor: anchor_rule(id),
                severity: severity.as_str(),
                category_title: category.title(),
                summary: info.map_or("", |r| r.summary.as_str()),
                help: info.map_or("", |r| r.help.as_str()),
                total: findings.len(),
                rows: findings
                    .iter()
                    .take(MAX_ROWS_PER_RULE)
                    .map(|f| finding_view(analysis, f))
                    .collect(),
                more: findings.len().saturating_sub(MAX_ROWS_PER_RULE),
                impact: points(impact),
            };
            (impact, severity, group)
        })
        .collect();
    groups.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(b.2.total.cmp(&a.2.total))
            .then(a.2.id.cmp(b.2.id))
    });
    groups.into_iter().map(|(_, _, g)| g).collect()
}

/// Rules that ran and produced no finding that counts, with why: passed, not applicable (its
/// whole category does not apply), or unknown (a check of it could not run).
fn passed_rules<'a>(
    report: &'a Report,
    by_rule: &BTreeMap<&str, Vec<&Finding>>,
) -> Vec<PassedRule<'a>> {
    let unknown: BTreeSet<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Unknown)
        .map(|c| c.rule.as_str())
        .collect();
    let not_applicable: BTreeSet<Category> = report
        .categories
        .iter()
        .filter(|c| c.status == CategoryStatus::NotApplicable)
        .map(|c| c.id)
        .collect();
    let mut passed: Vec<PassedRule<'_>> = report
        .rules
        .iter()
        .filter(|r| !by_rule.contains_key(r.id.as_str()))
        .map(|r| PassedRule {
            id: &r.id,
            anchor: anchor_rule(&r.id),
            category: r.category.title(),
            summary: &r.summary,
            state: if unknown.contains(r.id.as_str()) {
                "unknown"
            } else if not_applicable.contains(&r.category) {
                "not applicable"
            } else {
                "passed"
            },
            suppressed: report
                .findings
                .iter()
                .filter(|f| f.rule == r.id && f.suppressed.is_some())
                .count(),
        })
        .collect();
    passed.sort_by(|a, b| a.id.cmp(b.id));
    passed
}

fn finding_view<'a>(analysis: &'a Analysis, f: &'a Finding) -> FindingView<'a> {
    let loc = &f.location;
    FindingView {
        rule: &f.rule,
        fingerprint: &f.fingerprint,
        severity: f.severity.as_str(),
        category: f.category.id(),
        category_title: f.category.title(),
        message: &f.message,
        help: &f.help,
        path: &loc.path,
        line: loc.line,
        column: loc.column,
        snippet: analysis.snippets.get(&loc.path, loc.line).map(|text| {
            let end = match (loc.end_line, loc.end_column) {
                (Some(line), Some(column)) if line == loc.line => Some(column),
                _ => None,
            };
            // Redaction may have shortened the line: move the columns with it.
            let (column, end) = analysis
                .snippets
                .shown_span(&loc.path, loc.line, loc.column, end);
            split_snippet(text, column, end)
        }),
        related: &f.related,
        service: f.service.as_deref().unwrap_or(""),
        workspace: f.workspace.as_deref(),
        is_new: f.baseline_state == Some(BaselineState::New),
        baseline_state: f.baseline_state.map(|s| match s {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }),
        suppressed: f.suppressed.as_ref().map(|s| s.reason.as_str()),
    }
}

/// Splits a source line around the 1-based columns `[column, end)` (characters); without an
/// end on the same line, the highlight runs to the end of the line.
fn split_snippet(text: &str, column: u32, end: Option<u32>) -> SnippetView {
    let chars: Vec<char> = text.chars().collect();
    let index = |c: u32| {
        usize::try_from(c)
            .unwrap_or(usize::MAX)
            .saturating_sub(1)
            .min(chars.len())
    };
    let start = index(column);
    let stop = end.map_or(chars.len(), index).max(start);
    SnippetView {
        before: chars[..start].iter().collect(),
        hit: chars[start..stop].iter().collect(),
        after: chars[stop..].iter().collect(),
    }
}

fn filters(counting: &[&Finding], has_baseline: bool) -> Filters {
    let mut severities: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
    let mut services: BTreeMap<&str, usize> = BTreeMap::new();
    for f in counting {
        *severities.entry(f.severity).or_default() += 1;
        *categories.entry(f.category).or_default() += 1;
        *services
            .entry(f.service.as_deref().unwrap_or(""))
            .or_default() += 1;
    }
    let option = |value: &str, label: &str, count: usize| FilterOption {
        value: value.to_string(),
        label: label.to_string(),
        count,
    };
    Filters {
        severities: [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| {
                option(
                    s.as_str(),
                    s.as_str(),
                    severities.get(s).copied().unwrap_or(0),
                )
            })
            .collect(),
        categories: categories
            .iter()
            .map(|(c, &n)| option(c.id(), c.title(), n))
            .collect(),
        services: if services.len() < 2 {
            Vec::new()
        } else {
            services
                .iter()
                .map(|(&s, &n)| option(s, if s.is_empty() { "(no service)" } else { s }, n))
                .collect()
        },
        show_new: has_baseline,
        new_count: counting
            .iter()
            .filter(|f| f.baseline_state == Some(BaselineState::New))
            .count(),
    }
}

/// `rule-<id>`: rule ids (`deps/undeclared`) are valid in an HTML id as they are.
fn anchor_rule(id: &str) -> String {
    format!("rule-{id}")
}

fn service_kind(kind: crate::model::ServiceKind) -> &'static str {
    match kind {
        crate::model::ServiceKind::Compose => "compose",
        crate::model::ServiceKind::Dockerfile => "dockerfile",
        crate::model::ServiceKind::Package => "package",
    }
}

/// `+4.2 pts`, `<0.1 pts`, or empty when passing would gain nothing measurable (an unknown
/// overall score, or a check of weight 0).
fn points(impact: f64) -> String {
    if impact >= 0.05 {
        format!("+{impact:.1} pts")
    } else if impact > 0.0 {
        "<0.1 pts".to_string()
    } else {
        String::new()
    }
}

fn counts_text(counts: &Counts) -> String {
    let parts: Vec<String> = [
        (counts.error, "error", "errors"),
        (counts.warning, "warning", "warnings"),
        (counts.info, "info", "info"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .collect();
    if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(" · ")
    }
}

fn duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{}.{} s", ms / 1000, ms % 1000 / 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected, "{input:?}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
        // The CSP hash of an empty inline element, as browsers print it.
        assert_eq!(
            sha256_base64(""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn script_json_escapes_what_could_end_the_script_element()
    -> Result<(), Box<dyn std::error::Error>> {
        let json = serde_json::to_string("</script><!-- & \u{2028}\u{2029}")?;
        let escaped = script_json(&json);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}') && !escaped.contains('\u{2029}'));
        assert_eq!(
            serde_json::from_str::<String>(&escaped)?,
            "</script><!-- & \u{2028}\u{2029}"
        );
        Ok(())
    }

    #[test]
    fn snippet_split_clamps_columns() {
        let s = split_snippet("  \"a\": \"1\"", 3, Some(6));
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("  ", "\"a\"", ": \"1\"")
        );
        let s = split_snippet("ab", 9, Some(20));
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("ab", "", "")
        );
        let s = split_snippet("abc", 2, None);
        assert_eq!(
            (s.before.as_str(), s.hit.as_str(), s.after.as_str()),
            ("a", "bc", "")
        );
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;
    use crate::finding::Suppression;
    use crate::report::FixedFinding;

    /// The escaping fixture, given a baseline, a suppressed finding and services, as the
    /// baseline and suppression stages will produce them.
    fn analysis() -> Analysis {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/html-escaping");
        let mut analysis = crate::scan(&crate::ScanOptions::new(root), &|_| {}).unwrap();
        let report = &mut analysis.report;
        for (i, f) in report.findings.iter_mut().enumerate() {
            f.baseline_state = Some(if i == 0 {
                BaselineState::New
            } else {
                BaselineState::Unchanged
            });
            f.service = Some(format!("svc-{i}<x-svc>"));
        }
        let mut suppressed = report.findings[0].clone();
        suppressed.fingerprint = "0".repeat(32);
        suppressed.suppressed = Some(Suppression {
            reason: "vendored <x-why>code</x-why>".to_string(),
            source: crate::finding::SuppressionSource::Inline,
            path: Some("apps/api/src/main.ts".to_string()),
            line: Some(2),
        });
        report.findings.push(suppressed);
        report.fixed = Some(vec![FixedFinding {
            rule: "deps/undeclared".to_string(),
            fingerprint: "f".repeat(32),
            message: "`<gone>` was fixed".to_string(),
        }]);
        report.summary.fixed = 1;
        analysis
    }

    #[test]
    fn baseline_suppressions_and_services_are_shown_and_escaped()
    -> Result<(), Box<dyn std::error::Error>> {
        let analysis = analysis();
        let html = render(&analysis)?;
        assert!(
            html.contains(r#"<input type="checkbox" name="new" value="1">"#),
            "new-only filter"
        );
        assert!(html.contains(r#"data-new="1""#) && html.contains(r#"data-new="0""#));
        assert!(
            html.contains(r#"name="svc" value="svc-0&lt;x-svc&gt;""#),
            "service filter, escaped"
        );
        assert!(html.contains(r#"data-svc="svc-1&lt;x-svc&gt;""#));
        assert!(html.contains(r#"id="fixed""#) && html.contains("`&lt;gone&gt;` was fixed"));
        assert!(
            html.contains(r#"id="suppressed""#)
                && html.contains("vendored &lt;x-why&gt;code&lt;&#x2F;x-why&gt;")
        );
        assert!(!html.contains("<x-svc>") && !html.contains("<x-why>") && !html.contains("<gone>"));
        // The suppressed finding is listed once, outside the rule groups, and is not counted.
        assert_eq!(
            html.matches(r#"id="finding-00000000000000000000000000000000""#)
                .count(),
            1
        );
        assert!(html.contains(r#"Findings <span class="n">2</span>"#));
        Ok(())
    }
}
