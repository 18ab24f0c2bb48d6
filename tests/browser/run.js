// Real-browser checks of the built site, run by tests/browser.rs.
//
//   node run.js --site real=http://127.0.0.1:PORT --site fixture=http://127.0.0.1:PORT \
//               --screenshots DIR
//
// For every page type of SPEC §4 (on the repository's own site, plus a small
// fixture site for what the real content lacks: an attached PDF, change
// history, footnotes, task lists, pagination, an area with nothing in it):
//   - axe-core's WCAG 2.0/2.1/2.2 A and AA rules, at 375 px and 1280 px wide;
//   - one h1, `lang` set, a skip link, no sideways scrolling at 320 px;
//   - keyboard: the first Tab reaches the skip link, and every link and
//     control shows a visible change when it has focus.
// Screenshots of home, an area, a plan, a project and the timeline are
// written at 375 px and 1280 px. Prints a report; exits 1 on any failure.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [375, 1280];
const CHROMIUM = process.env.OASIS_CHROMIUM || "/usr/bin/chromium";

// What to check on each site: [page type, path, screenshot name or null].
const PAGES = {
  real: [
    ["home", "/", "home"],
    ["announcements listing", "/announcements/", null],
    ["plans listing", "/plans/", null],
    ["projects listing", "/projects/", null],
    ["announcement", "/announcements/first-six-opportunity-areas-named/", null],
    ["plan", "/plans/derby/", "plan-derby"],
    ["project", "/projects/essential-life-skills/", "project"],
    ["areas", "/areas/", null],
    ["area", "/areas/derby/", "area-derby"],
    ["area with little content", "/areas/hastings/", null],
    ["priorities", "/priorities/", null],
    ["priority", "/priorities/early-years/", null],
    ["timeline", "/timeline/", "timeline"],
    ["timeline year", "/timeline/2017/", null],
    ["standalone page", "/about/", null],
    ["accessibility statement", "/accessibility/", null],
    ["search", "/search/", null],
    ["not found", "/404.html", null],
  ],
  fixture: [
    ["home (fixture)", "/", null],
    ["paginated listing", "/announcements/page/2/", null],
    ["announcement with history and footnotes", "/announcements/changed-story/", null],
    ["plan with a PDF", "/plans/riverside/", "fixture-plan-with-pdf"],
    ["project with every field", "/projects/reading-club/", null],
    ["area with nothing published", "/areas/hillside/", null],
    ["area with funding", "/areas/riverside/", null],
    ["priority with no projects", "/priorities/quiet/", null],
    ["timeline (fixture)", "/timeline/", null],
    ["alias redirect", "/old/riverside-plan/", null],
    ["page with a long unbroken title", "/evaluation/", null],
  ],
};

function parseArgs(argv) {
  const sites = {};
  let screenshots = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--site") {
      const [name, url] = argv[++i].split("=");
      sites[name] = url.replace(/\/$/, "");
    } else if (argv[i] === "--screenshots") {
      screenshots = argv[++i];
    } else {
      throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return { sites, screenshots };
}

const failures = [];
function fail(where, message) {
  failures.push(`${where}: ${message}`);
}

async function runAxe(page) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags },
    });
    const summary = (v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")} — ${(n.failureSummary || "").replace(/\s+/g, " ")}`),
    });
    return {
      violations: result.violations.map(summary),
      incomplete: result.incomplete.map(summary),
      passes: result.passes.length,
    };
  }, AXE_TAGS);
}

// Page-level structure that axe does not check.
async function checkStructure(page, where) {
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll("h1").length,
    lang: document.documentElement.getAttribute("lang"),
    skip: !!document.querySelector('a.skip-link[href="#main-content"]'),
    main: !!document.getElementById("main-content"),
    text: (document.getElementById("main-content") || document.body).innerText.trim().length,
  }));
  if (facts.h1 !== 1) fail(where, `expected exactly one h1, found ${facts.h1}`);
  if (!facts.lang) fail(where, "the html element has no lang");
  if (!facts.skip || !facts.main) fail(where, "no skip link to #main-content");
  if (facts.text < 40) fail(where, "the main content is (nearly) empty with JavaScript off");
}

async function checkNoSidewaysScroll(page, where) {
  await page.setViewportSize({ width: 320, height: 800 });
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  if (widths.scroll > widths.client + 1) {
    const culprits = await page.evaluate(() => {
      const out = [];
      const limit = document.documentElement.clientWidth;
      for (const el of document.querySelectorAll("body *")) {
        const box = el.getBoundingClientRect();
        if (box.right > limit + 1 && box.width > 0 && !el.closest(".table-wrapper, .visually-hidden, .skip-link")) {
          out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} (right edge ${Math.round(box.right)})`);
        }
        if (out.length >= 5) break;
      }
      return out;
    });
    if (culprits.length > 0) fail(where, `scrolls sideways at 320 px: ${culprits.join(", ")}`);
  }
}

// The focus style of every focusable element, unfocused and focused.
const FOCUS_PROBE = () => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 60),
    cls: el.className && el.className.baseVal === undefined ? el.className : "",
    href: el.getAttribute("href"),
    key: el.dataset.focusKey,
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 && !/rgba\(\d+, \d+, \d+, 0\)/.test(s.outlineColor)
      ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : "",
    shadow: s.boxShadow,
    background: s.backgroundColor,
    color: s.color,
    visible: box.width > 0 && box.height > 0 && s.visibility !== "hidden" && parseFloat(s.opacity) > 0,
    width: box.width,
    height: box.height,
  };
};

async function checkKeyboard(page, url, where) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(url);
  // Record every focusable element's unfocused look.
  const baseline = await page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const out = {};
    document.querySelectorAll(selector).forEach((el, i) => {
      el.dataset.focusKey = String(i);
      const s = getComputedStyle(el);
      out[i] = { shadow: s.boxShadow, background: s.backgroundColor, color: s.color };
    });
    return out;
  });
  await page.keyboard.press("Tab");
  const first = await page.evaluate(FOCUS_PROBE);
  if (!first || !/skip-link/.test(first.cls)) {
    fail(where, `the first Tab should reach the skip link, it reached ${first ? `${first.tag} “${first.text}”` : "nothing"}`);
  } else if (!first.visible || first.width < 10) {
    fail(where, "the skip link is not visible when focused");
  }
  // Follow the skip link: focus must land on main.
  await page.keyboard.press("Enter");
  const afterSkip = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (afterSkip !== "main-content") fail(where, `the skip link moved focus to “${afterSkip}”, not #main-content`);
  // Walk the whole page from the top.
  await page.goto(url);
  await page.evaluate((b) => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    document.querySelectorAll(selector).forEach((el, i) => { el.dataset.focusKey = String(i); });
    window.__baseline = b;
  }, baseline);
  const seen = new Set();
  let count = 0;
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(FOCUS_PROBE);
    if (!f) break;
    const id = f.key || `${f.tag}:${f.href}:${f.text}`;
    if (seen.has(id)) break;
    seen.add(id);
    count++;
    const before = f.key !== undefined ? baseline[f.key] : null;
    const changed = before
      ? f.shadow !== before.shadow || f.background !== before.background
      : f.shadow !== "none";
    if (!f.visible) {
      fail(where, `${f.tag} “${f.text}” (${f.href || ""}) is invisible when focused`);
    } else if (!f.outline && !changed) {
      fail(where, `${f.tag} “${f.text}” (${f.href || ""}) shows no visible focus`);
    }
  }
  if (count < 5) fail(where, `only ${count} focusable elements were reached by Tab`);
  return count;
}

async function main() {
  // A stuck browser must fail the test, not hang it.
  setTimeout(() => {
    console.error("the browser checks took more than 10 minutes; giving up");
    process.exit(3);
  }, 10 * 60 * 1000).unref();
  const { sites, screenshots } = parseArgs(process.argv.slice(2));
  if (screenshots) fs.mkdirSync(screenshots, { recursive: true });
  // Playwright starts Chromium with a fresh temporary --user-data-dir of its
  // own (and refuses one in `args`); it never downloads a browser here.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  let checked = 0;
  const review = [];
  try {
    // axe needs JavaScript; everything else is checked with it off, as a
    // reader without JavaScript sees the page.
    const withJs = await browser.newContext({ reducedMotion: "reduce" });
    const withoutJs = await browser.newContext({ javaScriptEnabled: false, reducedMotion: "reduce" });
    const axePage = await withJs.newPage();
    const page = await withoutJs.newPage();
    axePage.setDefaultTimeout(20000);
    page.setDefaultTimeout(20000);
    for (const [site, base] of Object.entries(sites)) {
      for (const [type, pagePath, shot] of PAGES[site] || []) {
        let url = base + pagePath;
        const where = `${type} ${pagePath}${site === "real" ? "" : ` (${site} site)`}`;
        if (pagePath.startsWith("/old/")) {
          // An alias: the browser follows the refresh to the new page.
          await axePage.goto(url);
          await axePage.waitForURL((u) => !u.pathname.startsWith("/old/"));
          url = axePage.url();
        }
        const response = await page.goto(url);
        if (!response || response.status() !== 200) {
          fail(where, `HTTP ${response ? response.status() : "no response"}`);
          continue;
        }
        let passes = 0;
        for (const width of WIDTHS) {
          await axePage.setViewportSize({ width, height: 900 });
          await axePage.goto(url);
          const result = await runAxe(axePage);
          passes += result.passes;
          for (const v of result.violations) {
            fail(`${where} at ${width} px`, `axe ${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 5).join("\n      ")}`);
          }
          for (const v of result.incomplete) {
            review.push(`${where} at ${width} px: ${v.id} needs review on ${v.nodes.length} element(s)`);
          }
          if (shot && screenshots) {
            await page.setViewportSize({ width, height: 900 });
            await page.goto(url);
            await page.screenshot({ path: path.join(screenshots, `${shot}-${width}.png`), fullPage: true });
          }
        }
        if (passes === 0) fail(where, "axe ran no rules");
        await page.goto(url);
        await checkStructure(page, where);
        await checkNoSidewaysScroll(page, where);
        const focusable = await checkKeyboard(page, url, where);
        console.log(`checked ${where}: axe at ${WIDTHS.join(" and ")} px, ${focusable} focus stops`);
        checked++;
      }
    }
  } finally {
    await browser.close();
  }
  if (review.length > 0) {
    console.log(`\naxe could not decide these by itself (not failures; see docs/TEMPLATES.md):\n  ${review.join("\n  ")}`);
  }
  if (checked === 0) fail("run", "no pages were checked");
  if (failures.length > 0) {
    console.error(`\n${failures.length} problem(s):\n- ${failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`\nall ${checked} pages passed axe (${AXE_TAGS.join(", ")}), structure and keyboard checks`);
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exit(2);
});
