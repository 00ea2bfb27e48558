// Loads a seaworthy HTML report in headless Chromium and prints how long it takes: the
// navigation's load event (parse, layout, the report's script) and the first paint with
// contentful content, as the median of several cold loads. Used for the closing figures of
// report work; not a test (timings are never asserted).
//
//   PUPPETEER_DIR=/tmp/pt node scripts/html-load-time.mjs report.html [runs]
//
// PUPPETEER_DIR holds `npm install puppeteer-core`; CHROMIUM defaults to /usr/bin/chromium.
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const dir = process.env.PUPPETEER_DIR;
if (!dir) throw new Error("set PUPPETEER_DIR to a folder with puppeteer-core installed");
const require = createRequire(path.join(path.resolve(dir), "package.json"));
const puppeteer = require("puppeteer-core");
const file = process.argv[2];
const runs = Number(process.argv[3] || 5);
const url = pathToFileURL(path.resolve(file)).href;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const rows = [];
for (let i = 0; i < runs; i++) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(url, { waitUntil: "load" });
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      domContentLoaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
      fcp: fcp ? fcp.startTime : null,
      findings: document.querySelectorAll("li.finding").length,
      scripted: !document.getElementById("filters").hidden,
    };
  });
  rows.push({ ...t, errors });
  await page.close();
}
await browser.close();
const median = (k) => {
  const v = rows.map((r) => r[k]).filter((x) => x != null).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : null;
};
const r0 = rows[0];
console.log(
  JSON.stringify(
    {
      file,
      runs,
      findings: r0.findings,
      script_ran: r0.scripted,
      page_errors: rows.flatMap((r) => r.errors),
      median_ms: {
        dom_content_loaded: Math.round(median("domContentLoaded")),
        load: Math.round(median("load")),
        first_contentful_paint: Math.round(median("fcp")),
      },
    },
    null,
    2,
  ),
);
