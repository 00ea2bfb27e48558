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

  // "Copy as Markdown": the --markdown summary, embedded as a JSON string. The button shows
  // only when the script runs; without the Clipboard API (a file:// page in some browsers) a
  // hidden textarea is selected and copied instead.
  var actions = document.getElementById("actions");
  var copy = document.getElementById("copy-markdown");
  var source = document.getElementById("seaworthy-markdown");
  if (actions && copy && source) {
    actions.hidden = false;
    var status = document.getElementById("copy-status");
    var say = function (text) { if (status) status.textContent = text; };
    var fallback = function (text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      say(ok ? "Copied" : "Copy failed: select the text of --markdown instead");
    };
    copy.addEventListener("click", function () {
      var text = JSON.parse(source.textContent);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { say("Copied"); }, function () { fallback(text); });
      } else {
        fallback(text);
      }
    });
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
