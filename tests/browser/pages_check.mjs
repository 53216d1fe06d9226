// Browser check of the browsing pages, as a person uses them, in Debian's chromium driven by
// playwright-core:
//
//   BASE_URL=http://127.0.0.1:8000 ARTIFACTS=../../test-artifacts node pages_check.mjs
//
// It visits every page type (home, search, entity, claim, source reader, mention, rule, sources, saved
// query, timeline, map, SPARQL editor) at desktop and at phone width, and records for each: console
// errors and warnings, uncaught errors, requests that leave BASE_URL's origin, headings, unlabelled
// form fields, images without alt text, and horizontal overflow on a 360-pixel screen. Then it walks
// the paths a reader takes: from a casualty number on an entity page to the highlighted sentence in the
// source reader; by keyboard from the search box to an entity; expanding a node of the graph view. It
// writes screenshots (entity page, source reader, graph, timeline, map) into ARTIFACTS and prints one
// JSON report on stdout; tests/test_browser.py asserts on it.

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";

const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
const ARTIFACTS = resolve(process.env.ARTIFACTS || "test-artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = Number(process.env.TIMEOUT_MS || 30000);
const ORIGIN = new URL(BASE_URL).origin;
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);

const PAGES = [
  ["home", "/"],
  ["search", "/search?q=%D8%AE%D8%B1%D9%85%D8%B4%D9%87%D8%B1"],
  ["entity", "/id/entity/operation-beit-ol-moqaddas"],
  ["entity-place", "/id/entity/khorramshahr"],
  ["claim", null], // filled from the entity page
  ["source", "/id/source/000_3db1e93812c13289"],
  ["mention", "/id/mention/000_3db1e93812c13289-117-143"],
  ["rule", "/id/rule/text-numberOfInjured"],
  ["sources", "/sources"],
  ["saved-query", "/queries/casualties-by-source"],
  ["saved-query-timeline", "/queries/timeline"],
  ["saved-query-graph", "/queries/inferred-relations"],
  ["timeline", "/timeline"],
  ["map", "/map"],
  ["editor", "/editor"],
  ["not-found", "/id/entity/no-such-entity"],
];

mkdirSync(ARTIFACTS, { recursive: true });
const report = { pages: {}, flows: {}, foreign: [], screenshots: [] };
let browser;

function watch(page, sink) {
  page.on("request", (request) => {
    const u = new URL(request.url());
    if (!LOCAL_SCHEMES.has(u.protocol) && u.origin !== ORIGIN) report.foreign.push(request.url());
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") sink.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (error) => sink.push(`uncaught: ${error.message}`));
}

async function audit(page) {
  return page.evaluate(() => {
    const unlabelled = [...document.querySelectorAll("input, select, textarea")]
      .filter((e) => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
        && !e.getAttribute("aria-labelledby") && !e.closest(".yasgui"))
      .map((e) => e.outerHTML.slice(0, 120));
    return {
      title: document.title,
      lang: document.documentElement.lang,
      h1: [...document.querySelectorAll("h1")].map((h) => h.textContent.trim()),
      main: document.querySelectorAll("main").length,
      search: !!document.querySelector('form[role="search"] input[type="search"]'),
      unlabelled,
      imagesWithoutAlt: [...document.querySelectorAll("img:not([alt])")].map((i) => i.src),
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    };
  });
}

try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  for (const [width, height, suffix] of [[1280, 1000, ""], [360, 780, "-narrow"]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    for (const [name, path] of PAGES) {
      let target = path;
      if (name === "claim") target = report.claimPath;
      if (!target) continue;
      const page = await context.newPage();
      page.setDefaultTimeout(TIMEOUT);
      const problems = [];
      watch(page, problems);
      const response = await page.goto(BASE_URL + target, { waitUntil: "networkidle" });
      if (name === "entity" && !report.claimPath) {
        report.claimPath = await page.$eval("table.claims a[href^='/id/claim/']", (a) => a.getAttribute("href"));
      }
      if (name.startsWith("entity") || name === "saved-query-graph") await page.waitForSelector("#graph canvas");
      if (name === "timeline" || name === "saved-query-timeline") await page.waitForSelector("#timeline svg");
      if (name === "map") await page.waitForSelector("#map svg circle");
      const entry = { path: target, status: response ? response.status() : 0, problems, ...(await audit(page)) };
      if (name === "not-found") entry.problems = problems.filter((p) => !p.includes("404"));
      report.pages[name + suffix] = entry;
      if (!suffix && ["entity", "source", "timeline", "map"].includes(name)) {
        const file = resolve(ARTIFACTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: name !== "source" });
        report.screenshots.push(file);
      }
      if (!suffix && name === "entity") {
        const file = resolve(ARTIFACTS, "graph.png");
        await page.locator("#neighbourhood").scrollIntoViewIfNeeded();
        await page.locator("#graph").screenshot({ path: file });
        report.screenshots.push(file);
      }
      if (!suffix && name === "timeline") {
        report.flows.timeline = await page.evaluate(() => ({
          items: document.querySelectorAll("#timeline ol li").length,
          marks: document.querySelectorAll("#timeline svg rect, #timeline svg circle").length,
        }));
      }
      if (!suffix && name === "map") {
        report.flows.map = await page.evaluate(() => ({
          points: document.querySelectorAll("#map svg circle").length,
          outlines: document.querySelectorAll("#map svg path").length,
          listed: document.querySelectorAll("#map li").length,
        }));
      }
      await page.close();
    }
    await context.close();
  }

  // A reader clicks a casualty number on an entity page and lands on the highlighted sentence.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    watch(page, problems);
    await page.goto(BASE_URL + "/id/entity/operation-beit-ol-moqaddas", { waitUntil: "networkidle" });
    const table = page.locator("table.claims", { has: page.locator("caption", { hasText: /number of deaths/i }) });
    const link = table.locator("a.value").first();
    const number = (await link.textContent()).trim();
    const quote = (await link.locator("xpath=ancestor::tr").locator("q").textContent()).trim();
    await Promise.all([page.waitForURL(/\/id\/source\//), link.click()]);
    const marked = page.locator("mark.selected");
    await marked.first().waitFor();
    const text = (await marked.allTextContents()).join("");
    const visible = await marked.first().isVisible();
    const inView = await marked.first().evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    const file = resolve(ARTIFACTS, "source-highlight.png");
    await page.screenshot({ path: file });
    report.screenshots.push(file);
    report.flows.casualty = { number, quote, url: page.url(), highlighted: text, visible, inView, problems };
    await context.close();
  }

  // By keyboard only: tab to the search box, search, tab to the first result, open it.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    watch(page, problems);
    await page.goto(BASE_URL + "/", { waitUntil: "networkidle" });
    let tabs = 0;
    while (tabs < 15 && !(await page.evaluate(() => document.activeElement && document.activeElement.id === "q"))) {
      await page.keyboard.press("Tab");
      tabs += 1;
    }
    const focusOutline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    await page.keyboard.type("Bani Sadr");
    await Promise.all([page.waitForURL(/\/search\?q=/), page.keyboard.press("Enter")]);
    let reached = null;
    for (let i = 0; i < 40 && !reached; i += 1) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => {
        const a = document.activeElement;
        return a && a.closest && a.closest("main ol") ? a.getAttribute("href") : null;
      });
    }
    if (reached) await Promise.all([page.waitForURL(/\/id\/entity\//), page.keyboard.press("Enter")]);
    report.flows.keyboard = { tabsToSearch: tabs, reached, url: page.url(),
                              h1: await page.locator("h1").first().textContent(), focusOutline, problems };
    await context.close();
  }

  // The graph view: expand a node, by its button (keyboard path) and see the graph grow.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = [];
    watch(page, problems);
    await page.goto(BASE_URL + "/id/entity/khorramshahr", { waitUntil: "networkidle" });
    await page.waitForSelector("#graph canvas");
    const count = () => page.locator(".graph-nodes li").count();
    const before = await count();
    const buttons = page.locator("button.graph-expand");
    let after = before;
    for (let i = 0; i < (await buttons.count()) && after === before; i += 1) {
      const b = buttons.nth(i);
      if ((await b.getAttribute("aria-disabled")) === "true") continue;
      await b.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction((n) => document.querySelectorAll(".graph-nodes li").length !== n ||
        [...document.querySelectorAll("button.graph-expand")].every((x) => x.textContent !== "Expanding…"), before);
      await page.waitForTimeout(300);
      after = await count();
    }
    report.flows.graph = { before, after, problems };
    await context.close();
  }
} catch (error) {
  report.error = String(error && error.stack || error);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1) + "\n");
