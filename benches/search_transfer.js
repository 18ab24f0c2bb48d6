// Measures what a browser fetches to show the first results of a search.
//
//   node benches/search_transfer.js --site http://127.0.0.1:PORT [--chromium PATH] [QUERY…]
//
// For each query (default: the three from issue 7), a fresh headless Chromium
// (empty cache) opens /search/?… the way the header's search box does, waits
// for the result count in the live region, and sums the response bodies of
// every request: the search page itself (HTML, CSS), the search script,
// pagefind's JavaScript and WebAssembly, its entry file and metadata, and
// the index, filter and fragment chunks the query needed. The server must not
// compress (pagefind's own chunks are gzip files already), so body bytes are
// the bytes on the wire less headers (and what they would be from a host that
// gzips text files, as most do). Prints one JSON object per query and
// exits 1 if any query transferred more than --budget kB (default 300) of
// search files (everything but the page's own HTML and CSS).
//
// Needs playwright-core (npm ci --prefix tests/browser, or NODE_PATH).
"use strict";

const zlib = require("node:zlib");

function load(name) {
  const path = require("node:path");
  for (const base of [path.join(__dirname, "../tests/browser/node_modules"), undefined]) {
    try {
      return base ? require(path.join(base, name)) : require(name);
    } catch (_) {
      // try the next place
    }
  }
  throw new Error(`${name} is not installed: npm ci --prefix tests/browser`);
}

async function main() {
  const args = process.argv.slice(2);
  let site = null;
  let chromiumPath = process.env.OASIS_CHROMIUM || "/usr/bin/chromium";
  let budget = 300;
  const queries = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--site") site = args[++i].replace(/\/$/, "");
    else if (args[i] === "--chromium") chromiumPath = args[++i];
    else if (args[i] === "--budget") budget = Number(args[++i]);
    else queries.push(args[i]);
  }
  if (!site) throw new Error("--site URL is required");
  if (queries.length === 0) queries.push("Derby careers", "summer schools", "£22 million", "area=derby");

  const { chromium } = load("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath });
  let over = false;
  try {
    for (const query of queries) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const requests = [];
      page.on("response", async (response) => {
        const body = await response.body().catch(() => Buffer.alloc(0));
        // What a host that gzips text (HTML, CSS, JS, JSON) would send;
        // pagefind's own chunks are gzip already and go as they are.
        const text = /\.(html|css|js|json)$|\/$/.test(new URL(response.url()).pathname);
        const gzipped = text ? zlib.gzipSync(body, { level: 6 }).length : body.length;
        requests.push({ url: response.url(), bytes: body.length, gzipped });
      });
      // "area=derby" means a filter-only search; anything else is typed text.
      const search = query.includes("=") ? query : `q=${encodeURIComponent(query)}`;
      await page.goto(`${site}/search/?${search}`);
      await page.waitForFunction(
        () => (document.getElementById("search-status")?.textContent || "").length > 0,
        null,
        { timeout: 60000 },
      );
      await page.waitForLoadState("networkidle");
      const status = await page.textContent("#search-status");
      const groups = {};
      let searchBytes = 0;
      let searchGzipped = 0;
      for (const r of requests) {
        const path = new URL(r.url).pathname;
        const group =
          /\/pagefind\/(index|filter|fragment)\//.exec(path)?.[1] ||
          (path.includes("/pagefind/") ? "engine" : path.endsWith("search.js") ? "script" : "page");
        groups[group] = (groups[group] || 0) + r.bytes;
        if (group !== "page") {
          searchBytes += r.bytes;
          searchGzipped += r.gzipped;
        }
      }
      const kB = (n) => Math.round(n / 100) / 10;
      const report = {
        query,
        status,
        search_kB: kB(searchBytes),
        search_kB_if_host_gzips_text: kB(searchGzipped),
        by_kind_kB: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, kB(v)])),
        requests: requests.length,
      };
      console.log(JSON.stringify(report));
      if (searchBytes > budget * 1000) over = true;
      await context.close();
    }
  } finally {
    await browser.close();
  }
  if (over) {
    console.error(`a first query transferred more than ${budget} kB`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
