(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("filters");
  var rows = [];
  function collectRows() {
    rows = Array.prototype.slice.call(document.querySelectorAll("details.rule li.finding[data-sev]"));
  }
  collectRows();
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.rule[data-rule]"));
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("filter-empty");
  var printNote = document.getElementById("filter-print");
  var KEYS = ["sev", "cat", "svc", "rule"];
  var current = null;

  // Every finding that counts, from the embedded JSON: rules beyond the rendered rows are
  // counted from here ("N more in the JSON report").
  var all = [], findings = [], linkTemplate = null, commit = "HEAD";
  try {
    var data = JSON.parse(document.getElementById("seaworthy-data").textContent);
    findings = data.findings.filter(function (f) { return !f.suppressed; });
    var src = data.run && data.run.source;
    if (src && /^https?:\/\//i.test(src.urlTemplate || "")) { linkTemplate = src.urlTemplate; commit = src.commit || "HEAD"; }
    all = findings.map(function (f) {
      return { rule: f.rule, sev: f.severity, cat: f.category, svc: f.service || "", isNew: f.baselineState === "new" };
    });
  } catch (e) { all = null; findings = []; }

  function decode(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }
  function blank() { return { sev: [], cat: [], svc: [], rule: [], isNew: false }; }

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
  function matches(state, sev, cat, svc, isNew, rule) {
    return (!state.sev.length || state.sev.indexOf(sev) >= 0) &&
      (!state.cat.length || state.cat.indexOf(cat) >= 0) &&
      (!state.svc.length || state.svc.indexOf(svc) >= 0) &&
      (!state.rule.length || state.rule.indexOf(rule) >= 0) &&
      (!state.isNew || isNew);
  }
  function apply(state) {
    var visibleByRule = {}, shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = matches(state, d.sev, d.cat, d.svc, d["new"] === "1", d.rule);
      row.hidden = !ok;
      if (ok) { shown++; visibleByRule[d.rule] = (visibleByRule[d.rule] || 0) + 1; }
    });
    var matchingByRule = {}, total = 0;
    if (all) {
      all.forEach(function (f) {
        if (matches(state, f.sev, f.cat, f.svc, f.isNew, f.rule)) { total++; matchingByRule[f.rule] = (matchingByRule[f.rule] || 0) + 1; }
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
    // N counts every finding the filters match, rendered or not; the rows not on the page
    // are said apart (a capped rule's "Show all" renders them).
    if (status) {
      var text = "Showing " + total + " of " + (all ? all.length : rows.length) + " findings";
      if (total > shown) text += " (" + (total - shown) + " not rendered: use Show all)";
      status.textContent = text;
    }
    if (empty) empty.hidden = total !== 0;
    if (printNote) {
      var hash = formatHash(state);
      printNote.textContent = hash ? "Printed with filters " + hash.replace(/&/g, " ") + ": " + total + " of " + (all ? all.length : rows.length) + " findings." : "";
      printNote.hidden = !hash;
    }
    current = state;
  }
  // "Show all": the rows of a capped rule beyond the rendered ones, built from the embedded
  // JSON with textContent only (the data is never parsed as markup).
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  // `code` spans as <code> elements, like the server-side rendering.
  function withCode(parent, text) {
    var parts = String(text || "").split("`");
    if (parts.length % 2 === 0) { parent.textContent = String(text); return parent; }
    parts.forEach(function (part, i) {
      if (i % 2) parent.appendChild(el("code", null, part));
      else if (part) parent.appendChild(document.createTextNode(part));
    });
    return parent;
  }
  function findingRow(f) {
    var li = el("li", "finding");
    var loc = f.location || {};
    li.id = "finding-" + f.fingerprint;
    li.dataset.rule = f.rule;
    li.dataset.sev = f.severity;
    li.dataset.cat = f.category;
    li.dataset.svc = f.service || "";
    li.dataset["new"] = f.baselineState === "new" ? "1" : "0";
    var head = el("div", "head");
    head.appendChild(el("span", "sev sev-" + f.severity, f.severity));
    if (f.baselineState === "new") head.appendChild(el("span", "tag", "new"));
    head.appendChild(withCode(el("p", "msg"), f.message));
    li.appendChild(head);
    var a = el("a", "loc", loc.path + ":" + loc.line + ":" + loc.column);
    if (linkTemplate) {
      // As the server-side link: the path percent-encoded segment by segment.
      var encoded = String(loc.path).split("/").map(encodeURIComponent).join("/");
      a.setAttribute("href", linkTemplate.split("{path}").join(encoded).split("{line}").join(String(loc.line)).split("{commit}").join(commit));
      a.setAttribute("rel", "noreferrer");
      li.appendChild(a);
      var perma = el("a", "permalink", "#");
      perma.setAttribute("href", "#finding-" + f.fingerprint);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(perma);
    } else {
      a.setAttribute("href", "#finding-" + f.fingerprint);
      li.appendChild(a);
    }
    if (f.help) {
      var help = el("p", "help");
      help.appendChild(el("b", null, "Help:"));
      help.appendChild(document.createTextNode(" "));
      var span = el("span");
      withCode(span, f.help);
      help.appendChild(span);
      li.appendChild(help);
    }
    if (f.related && f.related.length) {
      var related = el("ul", "related");
      f.related.forEach(function (r) {
        var item = el("li");
        item.appendChild(el("code", null, r.path + ":" + r.line));
        item.appendChild(document.createTextNode(" "));
        var m = el("span");
        withCode(m, r.message);
        item.appendChild(m);
        related.appendChild(item);
      });
      li.appendChild(related);
    }
    var facts = el("p", "facts");
    if (f.service) {
      var s = el("span", null, "Service ");
      s.appendChild(el("b", null, f.service));
      facts.appendChild(s);
    }
    facts.appendChild(el("span", "mono faint", f.fingerprint));
    li.appendChild(facts);
    return li;
  }
  function showAll(group) {
    var list = group.querySelector("ul.findings");
    if (!list) return;
    var rule = group.dataset.rule, have = {};
    Array.prototype.forEach.call(list.querySelectorAll("li.finding"), function (li) { have[li.id] = true; });
    findings.forEach(function (f) {
      if (f.rule === rule && !have["finding-" + f.fingerprint]) list.appendChild(findingRow(f));
    });
    group.classList.add("all-shown");
    collectRows();
    apply(current || blank());
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.show-all"), function (button) {
    if (!all) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      for (var g = button.parentElement; g; g = g.parentElement) {
        if (g.tagName === "DETAILS" && g.dataset.rule) { showAll(g); break; }
      }
    });
  });

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
    var copyStatus = document.getElementById("copy-status");
    var say = function (text) { if (copyStatus) copyStatus.textContent = text; };
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

  // Printing opens every section; the filters apply (what is filtered out is not printed, and
  // a line says which filters were on).
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
