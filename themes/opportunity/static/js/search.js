// The search page (/search/): searches the pagefind index under /pagefind/
// in the browser. What it does for readers, and why: docs/SEARCH.md.
// Results are built with DOM methods, never innerHTML.

const PAGE_SIZE = 10;
const FILTERS = ["area", "priority", "kind"];
// How long the count waits for the reader to stop typing or moving through
// a list before it changes (and a screen reader announces it).
const ANNOUNCE_AFTER_MS = 1000;
// The longest query the count quotes in full.
const QUOTED_LENGTH = 60;

const form = document.getElementById("search-form");
if (form) {
  start(form);
}

async function start(form) {
  const query = form.elements.namedItem("q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const unavailable = document.getElementById("search-unavailable");

  // The state the page shows: the query and filters of the last search.
  let latest = 0;
  let results = [];
  let shown = 0;
  let timer = null;
  let announcing = null;
  // Whether the address's history entry holds a search the reader asked for
  // (by Enter or a filter, or by coming here): typing then starts a new entry,
  // and goes on replacing it until the next search is asked for.
  let committed = true;
  const pageTitle = document.title;

  // The address's query first, then listen at once: what a reader types
  // while pagefind is still loading is searched as soon as it is ready.
  const selects = FILTERS.map((name) => form.elements.namedItem(name)).filter(Boolean);
  const fromAddress = () => {
    const params = new URLSearchParams(window.location.search);
    query.value = params.get("q") || "";
    for (const select of selects) {
      const value = params.get(select.name) || "";
      select.value = [...select.options].some((o) => o.value === value) ? value : "";
    }
  };
  fromAddress();
  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run({ step: true, now: true });
  });
  query.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run({ step: false, now: false }), 300);
  });
  for (const select of selects) {
    select.addEventListener("change", () => {
      clearTimeout(timer);
      run({ step: true, now: false });
    });
  }
  // Back and forward between searches.
  window.addEventListener("popstate", () => {
    fromAddress();
    committed = true;
    clearTimeout(timer);
    run({ step: null, now: true });
  });

  const ready = load(form);
  const pagefind = await ready;
  if (!pagefind) {
    form.hidden = true;
    unavailable.textContent =
      "Search could not start: its index could not be loaded. You can still find every publication by browsing by area, by priority or by date.";
    return;
  }
  unavailable.hidden = true;
  if (latest === 0 && (query.value.trim() || selects.some((s) => s.value))) {
    run({ step: null, now: true });
  }

  // Searches for what the form holds. `step`: true when the reader asked
  // for this search (Enter, a filter), false while typing, null when it came
  // from the history, which is left alone. `now`: the count changes at once
  // rather than when the reader pauses.
  async function run({ step, now }) {
    const id = ++latest;
    const pagefind = await ready;
    if (!pagefind || id !== latest) {
      return;
    }
    const term = query.value.trim();
    const filters = {};
    for (const select of selects) {
      if (select.value) {
        filters[select.name] = select.value;
      }
    }
    if (step !== null) {
      remember(term, filters, step);
    }
    if (!term && Object.keys(filters).length === 0) {
      results = [];
      list.replaceChildren();
      announce("", true);
      removeMore();
      return;
    }
    let response;
    try {
      // A null term lists everything that matches the filters.
      response = await pagefind.search(term || null, { filters });
    } catch (error) {
      console.error("oasis search:", error);
      if (id === latest) {
        announce("Sorry, the search failed. Please try again.", true);
      }
      return;
    }
    if (id !== latest) {
      return;
    }
    results = response.results;
    shown = 0;
    list.replaceChildren();
    removeMore();
    await showMore(id, false);
    if (id === latest) {
      announce(describe(results.length, term, filters), now);
    }
  }

  // Sets the count, at once or once the reader has paused.
  function announce(text, now) {
    clearTimeout(announcing);
    if (now) {
      status.textContent = text;
    } else {
      announcing = setTimeout(() => {
        status.textContent = text;
      }, ANNOUNCE_AFTER_MS);
    }
  }

  // Appends the next PAGE_SIZE results; moves focus to the first new one
  // when the reader asked for more.
  async function showMore(id, moveFocus) {
    const next = results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(next.map((result) => result.data()));
    if (id !== latest) {
      return;
    }
    const items = data.map(renderResult);
    list.append(...items);
    shown += next.length;
    removeMore();
    if (shown < results.length) {
      const more = document.createElement("button");
      more.type = "button";
      more.id = "search-more";
      more.className = "search-more";
      more.textContent = `Show more results (${results.length - shown} more)`;
      more.addEventListener("click", () => showMore(latest, true));
      list.after(more);
    }
    if (moveFocus && items.length) {
      items[0].querySelector("a").focus();
    }
  }

  function removeMore() {
    document.getElementById("search-more")?.remove();
  }

  function describe(count, term, filters) {
    const noun = count === 1 ? "result" : "results";
    const parts = [];
    if (term) {
      const shortened =
        term.length > QUOTED_LENGTH ? `${term.slice(0, QUOTED_LENGTH).trimEnd()}…` : term;
      // A phrase search's own quotes are not quoted again.
      parts.push(/^".*"$/.test(shortened) ? `for ${shortened}` : `for “${shortened}”`);
    }
    const chosen = [];
    for (const select of selects) {
      if (filters[select.name]) {
        const label = select.labels[0]?.textContent || select.name;
        chosen.push(`${label.toLowerCase()}: ${select.selectedOptions[0].textContent}`);
      }
    }
    if (chosen.length) {
      parts.push(`in ${chosen.join(", ")}`);
    }
    const found = `${count === 0 ? "No" : count} ${noun} ${parts.join(" ")}`.trim() + ".";
    if (count > 0) {
      return found;
    }
    const advice = chosen.length
      ? "Check the spelling, use fewer or other words, or remove a filter."
      : "Check the spelling, or use fewer or other words.";
    return `${found} ${advice} You can also browse by area, by priority or by date, below.`;
  }

  // Keeps the search in the address, so that Back steps through the
  // searches asked for rather than through every keystroke.
  function remember(term, filters, step) {
    // The page's title names the search too (browser history, tabs, the
    // first thing a screen reader reads on Back).
    document.title = term ? `“${term}” – ${pageTitle}` : pageTitle;
    const params = new URLSearchParams();
    if (term) {
      params.set("q", term);
    }
    for (const [name, value] of Object.entries(filters)) {
      params.set(name, value);
    }
    const search = params.toString();
    const url = window.location.pathname + (search ? `?${search}` : "");
    if (url !== window.location.pathname + window.location.search) {
      if (committed) {
        window.history.pushState(null, "", url);
      } else {
        window.history.replaceState(null, "", url);
      }
    }
    committed = step;
  }
}

// pagefind's search API, or null when it cannot start here.
async function load(form) {
  try {
    const pagefind = await import(form.dataset.bundle + "pagefind.js");
    await pagefind.options({
      basePath: form.dataset.bundle,
      baseUrl: form.dataset.baseUrl,
      excerptLength: 30,
      // Search on the page's own thread: the worker would be one more
      // 43 kB script to fetch before the first result, for searches that
      // take a few milliseconds.
      noWorker: true,
    });
    await pagefind.init();
    return pagefind;
  } catch (error) {
    console.error("oasis search:", error);
    return null;
  }
}

// One result, marked up like the theme's document listings.
function renderResult(data) {
  const item = document.createElement("li");
  item.className = "document-list__item";
  const link = document.createElement("a");
  link.className = "link document-list__title";
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  item.append(link);
  if (data.excerpt) {
    const excerpt = document.createElement("p");
    excerpt.className = "document-list__description";
    excerpt.append(...highlighted(data));
    item.append(excerpt);
  }
  const facts = [
    data.meta.kind,
    data.meta.date && `Published ${data.meta.date}`,
    data.meta.areas,
  ].filter(Boolean);
  if (facts.length) {
    const meta = document.createElement("ul");
    meta.className = "document-list__meta";
    for (const fact of facts) {
      const li = document.createElement("li");
      li.textContent = fact;
      meta.append(li);
    }
    item.append(meta);
  }
  return item;
}

// pagefind's excerpt is some of the document's words, with `<` and `>`
// escaped and <mark> around matches, but `&` left as it is: "&lt;" in it
// may be "<" or the document's own "&lt;". Its words are the content's, in
// order, so the text shown is the content's own words from where they
// match, as text nodes and <mark> elements.
function highlighted(data) {
  const marked = data.excerpt.split(" ");
  const plain = marked.map((word) => word.replace(/<\/?mark>/g, ""));
  const words = (data.content || "").split(/[^\S\uFEFF]+/g);
  const escaped = (word = "") => word.replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const start = words.findIndex((_, at) => plain.every((word, k) => escaped(words[at + k]) === word));
  // Strings and elements, for append().
  return marked.flatMap((word, k) => {
    const text = start < 0 ? plain[k].replace(/&lt;/g, "<").replace(/&gt;/g, ">") : words[start + k];
    const space = k ? " " : "";
    if (!word.startsWith("<mark>")) return space + text;
    const mark = document.createElement("mark");
    mark.textContent = text;
    return [space, mark];
  });
}
