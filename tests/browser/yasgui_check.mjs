// Browser check of the query page (templates/query.html + static/query.js + vendored YASGUI).
//
// Start the server, then:
//   cd tests/browser && npm ci
//   BASE_URL=http://127.0.0.1:8000 node yasgui_check.mjs
//
// It opens ${BASE_URL}/editor (the SPARQL editor), runs the query of the first (active) tab, waits for a results table with at
// least one row and writes a screenshot. It fails (exit code 1, with a message) when a request leaves
// BASE_URL's origin, when the page logs a console error or throws, when the query request does not
// carry inferred=true|false, or when no result row shows up. On success it prints
// {"rows": N, "requests": [...], ...} as JSON.
//
// Environment:
//   BASE_URL    where the server runs (default http://127.0.0.1:8000)
//   SCREENSHOT  where to write the screenshot (default test-artifacts/query-page.png, relative to the
//               current directory)
//   CHROMIUM    the browser to drive (default /usr/bin/chromium, Debian's package; playwright-core never
//               downloads one)
//   TIMEOUT_MS  how long to wait for each step (default 30000)
//
// Selectors it relies on (YASGUI @zazuko/yasgui 4.6.2):
//   .yasgui .tabsList .tab a[role=tab] span    tab names
//   .tabPanel.active .yasqe_queryButton        the run button of the active tab
//   .tabPanel.active .yasr_results table tbody tr:not(:has(td.dt-empty))   result rows (DataTables)
//   .tabPanel.active .yasr .errorResult        YASR's error display
//   #include-inferred                         the "Include inferred triples" checkbox
// and window.kgQueryPage.yasgui (set by static/query.js) to count all result rows, not just one page.

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { chromium } from "playwright-core";

const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
const SCREENSHOT = resolve(process.env.SCREENSHOT || "test-artifacts/query-page.png");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = Number(process.env.TIMEOUT_MS || 30000);

const ORIGIN = new URL(BASE_URL).origin;
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]); // never leave the machine

const ROWS = ".tabPanel.active .yasr_results table tbody tr:not(:has(td.dt-empty))";
const RUN_BUTTON = ".tabPanel.active .yasqe_queryButton";
const TAB_NAMES = ".yasgui .tabsList .tab a[role=tab] span";
const ERROR_RESULT = ".tabPanel.active .yasr .errorResult";

function fail(message, extra = {}) {
  console.error(`yasgui_check: FAIL: ${message}`);
  if (Object.keys(extra).length) console.error(JSON.stringify(extra, null, 2));
  process.exitCode = 1;
}

const requests = [];
const foreign = [];
const consoleErrors = [];
let browser;

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1100 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);

  page.on("request", (request) => {
    const url = request.url();
    const entry = { method: request.method(), url };
    if (request.method() === "POST" && request.postData()) entry.body = request.postData();
    requests.push(entry);
    const u = new URL(url);
    if (!LOCAL_SCHEMES.has(u.protocol) && u.origin !== ORIGIN) foreign.push(url);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));

  const response = await page.goto(`${BASE_URL}/editor`, { waitUntil: "load" });
  if (!response || !response.ok()) throw new Error(`GET ${BASE_URL}/editor answered ${response && response.status()}`);

  await page.waitForSelector(RUN_BUTTON, { state: "visible" });
  const tabs = await page.locator(TAB_NAMES).allTextContents();

  const queryRequest = page.waitForRequest(
    (r) => new URL(r.url()).pathname.replace(/\/+$/, "") === "/sparql" && (r.method() === "POST" || new URL(r.url()).searchParams.has("query")),
  );
  await page.click(RUN_BUTTON);
  const sent = await queryRequest;

  await Promise.race([
    page.waitForSelector(ROWS, { state: "attached" }),
    page.waitForSelector(ERROR_RESULT, { state: "attached" }).then(async () => {
      const text = (await page.locator(ERROR_RESULT).innerText()).trim();
      throw new Error(`the query failed; YASR shows: ${text.slice(0, 500)}`);
    }),
  ]);
  // let DataTables finish drawing before the screenshot
  await page.waitForLoadState("networkidle");

  const domRows = await page.locator(ROWS).count();
  const rows = await page.evaluate((fallback) => {
    const tab = window.kgQueryPage && window.kgQueryPage.yasgui.getTab();
    const results = tab && tab.getYasr() && tab.getYasr().results;
    const bindings = results && results.getBindings && results.getBindings();
    return Array.isArray(bindings) ? bindings.length : fallback;
  }, domRows);

  mkdirSync(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  const sentParams = new URLSearchParams(sent.method() === "POST" ? sent.postData() || "" : new URL(sent.url()).search);
  const inferred = sentParams.getAll("inferred");
  const checked = await page.isChecked("#include-inferred");

  const result = { rows, tabs, inferred, requests, screenshot: SCREENSHOT };
  if (foreign.length) fail(`requests left ${ORIGIN}`, { foreign });
  if (consoleErrors.length) fail("the page logged errors", { consoleErrors });
  if (rows < 1 || domRows < 1) fail("no result row", { rows, domRows });
  if (inferred.length !== 1 || inferred[0] !== String(checked)) {
    fail(`the query request should carry inferred=${checked} once`, { sent: sent.url(), inferred });
  }
  console.log(JSON.stringify(result, null, 2));
} catch (error) {
  fail(error && error.message ? error.message : String(error), { requests, consoleErrors, foreign });
} finally {
  if (browser) await browser.close();
}
