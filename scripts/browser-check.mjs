// Drives seaworthy HTML reports in headless Chromium (puppeteer-core from PUPPETEER_DIR) and
// prints a JSON list of failures (empty: all good). Run by tests/browser.rs:
//
//   PUPPETEER_DIR=/tmp/pt node scripts/browser-check.mjs OUT_DIR many.html hostile.html
//
// `many.html` has a capped rule, services and several rules; `hostile.html` has markup in
// names, paths and messages. Screenshots go to OUT_DIR. CHROMIUM defaults to /usr/bin/chromium.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.PUPPETEER_DIR;
if (!dir) throw new Error("set PUPPETEER_DIR to a folder with puppeteer-core installed");
const require = createRequire(path.join(path.resolve(dir), "package.json"));
const puppeteer = require("puppeteer-core");
const [outDir, manyFile, hostileFile] = process.argv.slice(2);
const failures = [];
const check = (ok, what) => { if (!ok) failures.push(what); };

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

// A page with the network off (anything not file: is aborted and recorded), every console
// error, page error and dialog recorded, and a trap on window.__pwned.
async function open(file, { hash = "", js = true, width = 1280 } = {}) {
  const page = await browser.newPage();
  const log = { requests: [], errors: [], dialogs: [] };
  await page.setViewport({ width, height: 900 });
  await page.setJavaScriptEnabled(js);
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (r.url().startsWith("file:")) r.continue();
    else { log.requests.push(r.url()); r.abort(); }
  });
  page.on("console", (m) => m.type() === "error" && log.errors.push(m.text()));
  page.on("pageerror", (e) => log.errors.push(String(e)));
  page.on("dialog", (d) => { log.dialogs.push(d.message()); d.dismiss(); });
  await page.evaluateOnNewDocument(() => {
    window.__fired = [];
    Object.defineProperty(window, "__pwned", { set() { window.__fired.push("__pwned"); }, get() { return undefined; } });
  });
  await page.goto(pathToFileURL(path.resolve(file)).href + hash, { waitUntil: "load" });
  return { page, log };
}
function clean(name, log) {
  check(log.requests.length === 0, `${name}: network requests ${JSON.stringify(log.requests)}`);
  check(log.errors.length === 0, `${name}: console or page errors ${JSON.stringify(log.errors)}`);
  check(log.dialogs.length === 0, `${name}: dialogs ${JSON.stringify(log.dialogs)}`);
}
// Rows on screen (not hidden by a filter or a closed section), with their data attributes.
const visibleRows = (page) => page.$$eval("details.rule li.finding", (lis) =>
  lis.filter((li) => li.getClientRects().length > 0).map((li) => ({ ...li.dataset, id: li.id })));

// The capped report: filters, service, rule, hash restore, anchors, Show all, print.
{
  const { page, log } = await open(manyFile);
  check(await page.$eval("#filters", (f) => !f.hidden), "many: filter form shown");
  check((await page.$eval("h1", (h) => h.textContent)) === "acme/shop", "many: the header names the repository");
  const total = await page.evaluate(() => JSON.parse(document.getElementById("seaworthy-data").textContent).findings.filter((f) => !f.suppressed).length);
  const status0 = await page.$eval("#filter-status", (s) => s.textContent);
  check(status0.startsWith(`Showing ${total} of ${total} findings`), `many: status without filters: ${status0}`);
  check(status0.includes("not rendered"), `many: status says what is not rendered: ${status0}`);

  // Severity by clicking its chip: the hash follows, only matching rows show.
  await page.click('input[name="sev"][value="warning"] + span');
  let rows = await visibleRows(page);
  check(rows.length > 0 && rows.every((r) => r.sev === "warning"), `many: sev=warning rows ${rows.length}`);
  check((await page.evaluate(() => location.hash)) === "#sev=warning", "many: hash after sev click");
  await page.click("#filter-clear");

  // Service chip.
  const svc = await page.$eval('input[name="svc"]:not([value=""])', (i) => i.value).catch(() => null);
  check(svc !== null, "many: a service chip");
  if (svc !== null) {
    await page.click(`input[name="svc"][value="${svc}"] + span`);
    rows = await visibleRows(page);
    check(rows.length > 0 && rows.every((r) => r.svc === svc), `many: svc=${svc} rows ${rows.length}`);
    check((await page.evaluate(() => location.hash)) === `#svc=${encodeURIComponent(svc)}`, "many: hash after svc click");
    await page.click("#filter-clear");
  }

  // Rule chip.
  const rule = await page.$eval('input[name="rule"]', (i) => i.value).catch(() => null);
  check(rule !== null, "many: a rule chip");
  if (rule !== null) {
    await page.click(`input[name="rule"][value="${rule}"] + span`);
    rows = await visibleRows(page);
    check(rows.length > 0 && rows.every((r) => r.rule === rule), `many: rule=${rule} rows`);
    await page.click("#filter-clear");
  }

  // Show all: the capped rule renders every row from the JSON, built as text.
  const capped = await page.$$eval("details.rule", (gs) => gs.filter((g) => g.querySelector("button.show-all")).map((g) => ({ rule: g.dataset.rule, rows: g.querySelectorAll("li.finding").length })));
  check(capped.length === 1 && capped[0].rows === 200, `many: one capped rule at 200 rows ${JSON.stringify(capped)}`);
  if (capped.length) {
    const want = await page.evaluate((r) => JSON.parse(document.getElementById("seaworthy-data").textContent).findings.filter((f) => !f.suppressed && f.rule === r).length, capped[0].rule);
    await page.click("button.show-all");
    const after = await page.$$eval("details.rule", (gs, r) => { const g = gs.find((x) => x.dataset.rule === r); return { rows: g.querySelectorAll("li.finding").length, more: g.querySelector(".more").hidden }; }, capped[0].rule);
    check(after.rows === want && after.more, `many: Show all rendered ${after.rows} of ${want}`);
    // Rendered and added rows link their location to the host at the commit.
    const hrefs = await page.$$eval("details.rule li.finding a.loc", (as) => as.map((a) => a.href));
    const link = /^https:\/\/github\.com\/acme\/shop\/blob\/0123456789abcdef0123456789abcdef01234567\/packages\/[abc]\/package\.json#L\d+$/;
    check(hrefs.length === total && hrefs.every((h) => link.test(h)), `many: location links ${hrefs.filter((h) => !link.test(h)).slice(0, 3)}`);
    check(!(await page.content()).includes("s3cr3t"), "many: the remote's token is on the page");
    const status1 = await page.$eval("#filter-status", (s) => s.textContent);
    check(status1 === `Showing ${total} of ${total} findings`, `many: status after Show all: ${status1}`);
    // The added rows filter like the rendered ones.
    await page.click('input[name="sev"][value="info"] + span');
    rows = await visibleRows(page);
    check(rows.every((r) => r.sev === "info"), "many: added rows follow the filter");
    await page.click("#filter-clear");
  }
  clean("many", log);
  await page.close();
}

// The state in the hash is restored on load; the print media hides what is filtered out.
{
  const { page, log } = await open(manyFile, { hash: "#sev=warning" });
  check(await page.$eval('input[name="sev"][value="warning"]', (i) => i.checked), "restore: sev chip checked from the hash");
  const rows = await visibleRows(page);
  check(rows.length > 0 && rows.every((r) => r.sev === "warning"), "restore: only warnings");
  await page.emulateMediaType("print");
  const printed = await page.$$eval("details.rule li.finding", (lis) => lis.filter((li) => li.getClientRects().length > 0).map((li) => li.dataset.sev));
  check(printed.length > 0 && printed.every((s) => s === "warning"), `print: only the filtered rows (${printed.length})`);
  check(await page.$eval("#filters", (f) => getComputedStyle(f).display === "none"), "print: the filter form is hidden");
  check(await page.$eval("#filter-print", (p) => getComputedStyle(p).display !== "none" && p.textContent.includes("sev=warning")), "print: says which filters are on");
  clean("restore", log);
  await page.close();
}

// Anchors: a link to a finding opens it and shows it, even under a filter that hides it.
{
  const { page, log } = await open(manyFile, { hash: "#sev=error" });
  const id = await page.$eval("details.rule li.finding:not([data-sev=error])", (li) => li.id).catch(() => null);
  if (id) {
    await page.evaluate((h) => { location.hash = h; }, "#" + id);
    await new Promise((r) => setTimeout(r, 200));
    const seen = await page.$eval("#" + id, (li) => li.getClientRects().length > 0 && li.getBoundingClientRect().top < innerHeight && li.getBoundingClientRect().bottom > 0);
    check(seen, `anchor: #${id} is shown and scrolled to`);
  } else check(false, "anchor: no non-error finding to link to");
  clean("anchor", log);
  await page.close();
}

// Hostile strings: nothing executes, no element from the data.
for (const [name, file] of [["hostile", hostileFile], ["many", manyFile]]) {
  for (const width of [1280, 390]) {
    const { page, log } = await open(file, { width });
    // Screenshots as a reader first sees the page: the top, and the findings.
    await page.screenshot({ path: path.join(outDir, `${name}-${width}.png`) });
    await page.$eval("#findings", (s) => s.scrollIntoView());
    await page.screenshot({ path: path.join(outDir, `${name}-${width}-findings.png`) });
    await page.$$eval("details", (ds) => ds.forEach((d) => { d.open = true; }));
    const buttons = await page.$$("button.show-all");
    for (const b of buttons) await b.click();
    const dom = await page.evaluate(() => ({
      fired: window.__fired,
      imgs: document.querySelectorAll("img, iframe, object, embed, svg image").length,
      scripts: document.querySelectorAll("script").length,
      handlers: Array.prototype.filter.call(document.querySelectorAll("*"), (e) => Array.prototype.some.call(e.attributes, (a) => /^on/i.test(a.name))).length,
      jsLinks: Array.prototype.filter.call(document.querySelectorAll("a[href]"), (a) => !/^(#|https?:)/.test(a.getAttribute("href"))).length,
      overflow: document.documentElement.scrollWidth - innerWidth,
    }));
    check(dom.fired.length === 0, `${name}@${width}: the trap fired`);
    check(dom.imgs === 0, `${name}@${width}: ${dom.imgs} image elements`);
    check(dom.scripts === 3, `${name}@${width}: ${dom.scripts} script elements`);
    check(dom.handlers === 0, `${name}@${width}: ${dom.handlers} elements with on* attributes`);
    check(dom.jsLinks === 0, `${name}@${width}: ${dom.jsLinks} links that are neither anchors nor http(s)`);
    check(dom.overflow <= 1, `${name}@${width}: page scrolls sideways by ${dom.overflow}px`);
    clean(`${name}@${width}`, log);
    await page.close();
  }
}

// JavaScript off: the findings are on the page, the filter form is not.
for (const [name, file] of [["hostile", hostileFile], ["many", manyFile]]) {
  const { page, log } = await open(file, { js: false, width: 390 });
  const shown = await page.$$eval("details.rule li.finding", (lis) => lis.filter((li) => li.getClientRects().length > 0).length);
  check(shown > 0, `${name} without JS: ${shown} findings visible`);
  check(await page.$eval("#filters", (f) => f.getClientRects().length === 0), `${name} without JS: no dead filter form`);
  await page.screenshot({ path: path.join(outDir, `${name}-390-nojs.png`) });
  clean(`${name} without JS`, log);
  await page.close();
}

await browser.close();
console.log(JSON.stringify(failures, null, 2));
process.exit(failures.length ? 1 : 0);
