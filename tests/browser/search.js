// Real-browser checks of the search page, run by tests/browser.rs on the
// built tests/fixtures/search site.
//
//   node search.js --site http://127.0.0.1:PORT
//
// With the keyboard only, as a reader would:
//   - from the home page's header search box, a query lands on /search/ with
//     the expected result, its highlighted excerpt and its metadata, and the
//     live region announces the count;
//   - typing on the search page finds "£22 million" and "summer schools";
//   - an excerpt shows `<`, `&` and a literal "&lt;" as the document has them;
//   - choosing an area filters the results (with and without a query);
//   - "Show more results" adds results and moves focus to the first new one;
//   - words only in a draft or a scheduled story find nothing;
//   - axe-core's WCAG 2.x A/AA rules pass with results on the page;
// and with JavaScript off the page says search needs it and links to the
// area, priority and timeline indexes. Prints a report; exits 1 on failure.
"use strict";

const { chromium } = require("playwright-core");

const CHROMIUM = process.env.OASIS_CHROMIUM || "/usr/bin/chromium";
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const failures = [];
let passed = 0;

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok: ${name}`);
  } catch (error) {
    failures.push(`${name}: ${error && error.message ? error.message : error}`);
    console.log(`FAILED: ${name}`);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// Waits until the live region says something matching `pattern`.
async function statusMatching(page, pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById("search-status")?.textContent || ""),
    pattern.source,
    { timeout: 60000 },
  );
  return page.textContent("#search-status");
}

async function results(page) {
  return page.$$eval("#search-results > li", (items) =>
    items.map((li) => ({
      title: li.querySelector("a")?.textContent || "",
      href: li.querySelector("a")?.getAttribute("href") || "",
      excerpt: li.querySelector(".document-list__description")?.innerHTML || "",
      meta: li.querySelector(".document-list__meta")?.innerText.replace(/\s+/g, " ") || "",
    })),
  );
}

// Presses Tab until the element matching `selector` has focus.
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function main() {
  setTimeout(() => {
    console.error("the search checks took more than 5 minutes; giving up");
    process.exit(3);
  }, 5 * 60 * 1000).unref();
  const args = process.argv.slice(2);
  const site = args[args.indexOf("--site") + 1]?.replace(/\/$/, "");
  if (!site || args.indexOf("--site") < 0) throw new Error("--site URL is required");

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ reducedMotion: "reduce" });
    const page = await context.newPage();
    page.setDefaultTimeout(60000);
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const requests = [];
    page.on("request", (request) => requests.push(request.url()));

    await check("a query typed in the header's search box finds the expected document", async () => {
      await page.goto(`${site}/`);
      await tabTo(page, "#header-search-q");
      await page.keyboard.type("Derby careers fair");
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/search\/\?q=Derby\+careers\+fair/);
      const status = await statusMatching(page, /results? for/);
      const found = await results(page);
      expect(found.length > 0, `no results; the live region says “${status}”`);
      expect(
        found[0].title === "Derby careers fair draws 40 employers",
        `the first result is “${found[0].title}”`,
      );
      expect(found[0].href === "/announcements/derby-careers-fair/", `it links to ${found[0].href}`);
      expect(/<mark>careers<\/mark>/i.test(found[0].excerpt), `no highlighted word in “${found[0].excerpt}”`);
      expect(
        found[0].meta.includes("Announcement") && found[0].meta.includes("14 March 2018") && found[0].meta.includes("Derby"),
        `the metadata reads “${found[0].meta}”`,
      );
      expect(/^\d+ results? for “Derby careers fair”\.$/.test(status), `the live region says “${status}”`);
      const live = await page.$eval("#search-status", (el) => el.getAttribute("role"));
      expect(live === "status", "the result count is not in a live region");
      expect(await page.isHidden("#search-unavailable"), "the no-JavaScript notice still shows");
    });

    await check("typing on the search page finds £22 million and summer schools", async () => {
      for (const query of ["£22 million", "summer schools"]) {
        await page.goto(`${site}/search/`);
        await tabTo(page, "#search-q");
        await page.keyboard.type(query);
        await statusMatching(page, new RegExp(`for “${query}”`));
        const found = await results(page);
        expect(found.length > 0 && found[0].title === "Summer schools in Hastings", `“${query}” found ${JSON.stringify(found.map((r) => r.title))}`);
        const title = await page.title();
        expect(title.startsWith(`“${query}” – `), `the page's title names the search: “${title}”`);
      }
    });

    await check("an excerpt shows the document's own characters", async () => {
      await page.goto(`${site}/search/?q=symbols`);
      await statusMatching(page, /for “symbols”/);
      const excerpt = await page.textContent("#search-results > li .document-list__description");
      for (const text of ["x < y holds", "the code &lt; writes", "and AT&T"]) {
        expect(excerpt.includes(text), `the excerpt “${excerpt}” lacks “${text}”`);
      }
      const marked = await page.$$eval("#search-results > li mark", (marks) => marks.map((m) => m.textContent));
      expect(marked[0] === "symbols:", `marked: ${JSON.stringify(marked)}`);
    });

    await check("choosing an area filters the results", async () => {
      await page.goto(`${site}/search/?q=careers`);
      await statusMatching(page, /for “careers”/);
      const before = (await results(page)).map((r) => r.title);
      expect(before.length >= 2, `“careers” found ${JSON.stringify(before)}`);
      await tabTo(page, "#search-area");
      await page.keyboard.press("ArrowDown"); // All areas → Derby
      await page.keyboard.press("ArrowDown"); // Derby → Oldham
      await page.selectOption("#search-area", "oldham"); // in case the list opened instead
      const status = await statusMatching(page, /area: Oldham/);
      const after = await results(page);
      expect(after.length >= 1, `nothing left after filtering: “${status}”`);
      expect(
        after.every((r) => r.meta.includes("Oldham")),
        `results outside Oldham: ${JSON.stringify(after.map((r) => r.title))}`,
      );
      expect(after.some((r) => r.title === "Oldham opens a careers hub"), "the Oldham careers hub is missing");
      expect(!after.some((r) => r.title.startsWith("Derby")), "a Derby document is still listed");
      expect(page.url().includes("area=oldham"), `the address does not keep the filter: ${page.url()}`);
    });

    await check("an area alone lists its documents, and Show more moves focus to the next ones", async () => {
      await page.goto(`${site}/search/?area=oldham`);
      const status = await statusMatching(page, /^13 results in area: Oldham\.$/);
      expect((await results(page)).length === 10, `the first page shows ${(await results(page)).length} results (${status})`);
      await tabTo(page, "#search-more");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll("#search-results > li").length === 13);
      const focused = await page.evaluate(() => {
        const items = [...document.querySelectorAll("#search-results > li")];
        return items.indexOf(document.activeElement?.closest("li"));
      });
      expect(focused === 10, `focus went to result ${focused + 1}, not the 11th`);
      expect(!(await page.$("#search-more")), "Show more is still offered with every result shown");
    });

    await check("drafts and scheduled stories are not found", async () => {
      for (const word of ["quokka", "wombat"]) {
        await page.goto(`${site}/search/?q=${word}`);
        const status = await statusMatching(page, /results? for/);
        expect(status.startsWith(`No results for “${word}”.`), `“${word}”: ${status}`);
        expect(/Check the spelling/.test(status), `no advice with no results: ${status}`);
      }
    });

    await check("the count is announced when the reader pauses, not at every keystroke", async () => {
      await page.goto(`${site}/search/`);
      await page.evaluate(() => {
        window.__changes = [];
        new MutationObserver(() => window.__changes.push(document.getElementById("search-status").textContent))
          .observe(document.getElementById("search-status"), { childList: true, characterData: true, subtree: true });
      });
      await tabTo(page, "#search-q");
      for (const key of "careers") {
        await page.keyboard.type(key);
        await page.waitForTimeout(450);
      }
      await statusMatching(page, /for “careers”/);
      const changes = await page.evaluate(() => window.__changes);
      expect(changes.length <= 2, `the live region changed ${changes.length} times: ${JSON.stringify(changes)}`);
    });

    await check("Back steps through the searches asked for", async () => {
      await page.goto(`${site}/search/`);
      await tabTo(page, "#search-q");
      await page.keyboard.type("careers");
      await page.keyboard.press("Enter");
      await statusMatching(page, /for “careers”\./);
      await page.fill("#search-q", "Derby");
      await page.keyboard.press("Enter");
      await statusMatching(page, /for “Derby”\./);
      await page.goBack();
      await statusMatching(page, /for “careers”\./);
      expect(page.url().endsWith("/search/?q=careers"), `Back went to ${page.url()}`);
      expect((await page.inputValue("#search-q")) === "careers", "the box does not show the earlier query");
    });

    await check("the search page with results passes axe (WCAG 2.2 AA)", async () => {
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${site}/search/?q=careers&area=oldham`);
        await statusMatching(page, /results? for/);
        await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
        const violations = await page.evaluate(async (tags) => {
          const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
          return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
        }, AXE_TAGS);
        expect(violations.length === 0, `at ${width} px: ${violations.join("; ")}`);
      }
    });

    await check("nothing is fetched from another host and no script fails", async () => {
      const origin = new URL(site).origin;
      const foreign = requests.filter((url) => !url.startsWith(origin) && !url.startsWith("data:"));
      expect(foreign.length === 0, `fetched ${foreign.join(", ")}`);
      expect(errors.length === 0, `script errors: ${errors.join("; ")}`);
    });

    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await check("without JavaScript the page says so and links to the indexes", async () => {
      await plain.goto(`${site}/search/?q=careers`);
      const notice = await plain.textContent("#search-unavailable");
      expect(/needs JavaScript/.test(notice), `the notice reads “${notice}”`);
      expect(await plain.isVisible("#search-unavailable"), "the notice is hidden");
      expect(await plain.isHidden("#search-form"), "the form, which cannot search, is shown");
      for (const index of ["/areas/", "/priorities/", "/timeline/"]) {
        expect(await plain.isVisible(`main a[href="${index}"]`), `no visible link to ${index}`);
      }
    });
  } finally {
    await browser.close();
  }
  if (failures.length > 0) {
    console.error(`\n${failures.length} search check(s) failed:\n- ${failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`\nall ${passed} search checks passed`);
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exit(2);
});
