// Live reload and the error overlay of `oasis serve`, in headless Chromium.
// Run by tests/serve.rs:
//
//   node live.js --url http://127.0.0.1:PORT/plans/derby/ --file SITE/content/plans/derby.md
//
// 1. An edit to the page's Markdown reloads the page by itself, showing it.
// 2. Breaking the front matter shows the overlay over the last good page,
//    its text escaped (a `<b>` in the error is text, not an element), and
//    does not reload the page.
// 3. Fixing it removes the overlay.
// 4. A tab that was hidden during a rebuild catches up when shown again.
// Prints what it checked; exits 1 on any failure.
"use strict";

const fs = require("node:fs");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.OASIS_CHROMIUM || "/usr/bin/chromium";
const PATIENCE = 60000;

function argument(name) {
  const at = process.argv.indexOf(name);
  if (at < 0 || at + 1 >= process.argv.length) throw new Error(`missing ${name}`);
  return process.argv[at + 1];
}

function edit(file, from, to) {
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

async function main() {
  const url = argument("--url");
  const file = argument("--file");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const failures = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (error) => failures.push(`script error: ${error.message}`));
    let loads = 0;
    page.on("load", () => (loads += 1));
    await page.goto(url);
    // The script connects when the page is shown; give it the first event.
    await page.waitForTimeout(500);

    // 1. An edit reloads the page.
    fs.appendFileSync(file, "\nWritten while the browser watched.\n");
    await page.waitForFunction(() => document.body.innerText.includes("Written while the browser watched."), null, { timeout: PATIENCE });
    console.log(`ok: the page reloaded after an edit (${loads} loads)`);

    // 2. A broken file shows the overlay, escaped, without a reload.
    const before = loads;
    edit(file, "areas: [derby]", 'areas: ["<b>darby</b>"]');
    await page.waitForSelector("#oasis-overlay", { timeout: PATIENCE });
    const overlay = await page.$eval("#oasis-overlay", (o) => ({ text: o.innerText, bold: o.querySelectorAll("b").length }));
    if (!overlay.text.includes("<b>darby</b>")) failures.push(`the overlay does not show the error as text: ${overlay.text}`);
    if (overlay.bold !== 0) failures.push("the overlay's error text became HTML");
    if (!overlay.text.includes("content/plans/derby.md")) failures.push("the overlay does not name the file");
    if (loads !== before) failures.push("a failed rebuild reloaded the page");
    console.log("ok: a broken file shows the overlay over the page");

    // 3. Fixed: the overlay goes.
    edit(file, 'areas: ["<b>darby</b>"]', "areas: [derby]");
    await page.waitForSelector("#oasis-overlay", { state: "detached", timeout: PATIENCE });
    console.log("ok: the overlay went when the file was fixed");

    // 4. A hidden tab catches up when shown.
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    fs.appendFileSync(file, "\nWritten while the tab was hidden.\n");
    await page.waitForTimeout(2000);
    await page.evaluate(() => {
      Object.defineProperty(document, "hidden", { configurable: true, get: () => false });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await page.waitForFunction(() => document.body.innerText.includes("Written while the tab was hidden."), null, { timeout: PATIENCE });
    console.log("ok: a hidden tab caught up when shown");
  } catch (error) {
    failures.push(String(error && error.stack ? error.stack : error));
  } finally {
    await browser.close();
  }
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  process.exit(failures.length ? 1 : 0);
}

main();
