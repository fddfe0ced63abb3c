// @ts-check
// 站内搜索: the only client script of the site, served as /search.js and loaded
// by /search/ alone (plain JS: it is published as written, no bundling).
// Queries the Pagefind index written after the build and keeps only results whose
// text contains every query term: Pagefind matches parts of Chinese words, and this
// filter raised precision to 100% in our measurements. Terms are read by
// /search-query.js (src/scripts/search-query.js): punctuation and whitespace separate
// them, full-width forms are folded (NFKC).
// Pagefind matches the words its segmenter cut, so a term inside another word can be
// missed (票 inside 发票, and even 发票 inside a longer word): on a site of up to
// FULL_SCAN_PAGES pages every page is checked too, after Pagefind's ranked hits, so
// every page that contains the terms is listed.
import { containsAll, queryTerms } from './search-query.js';

/** @typedef {{ url: string, content: string, excerpt: string, meta: { title?: string, original?: string } }} PagefindResultData */
/** @typedef {{ id: string, data(): Promise<PagefindResultData> }} PagefindResult */
/** @typedef {{ options(o: Record<string, unknown>): Promise<void>, mergeIndex(path: string, o: Record<string, unknown>): Promise<void>, search(q: string | null): Promise<{ results: PagefindResult[] }> }} Pagefind */
/** @typedef {{ code: string, name: string, url: string, index: string, parts?: string[] }} GroupSite */

/** Results of each Pagefind search whose text is checked for every term; Pagefind ranks, so the best come first. */
const MAX_CANDIDATES = 50;
/** Sites with at most this many pages are searched exhaustively (Pagefind fetches each page's text once, in groups, and keeps it). */
const FULL_SCAN_PAGES = 500;
/** Written by pipeline/render after the Astro build. */
const PAGEFIND_URL = '/pagefind/pagefind.js';
/** The other parts of this site's index (a site of many pages is indexed in parts, pipeline/render/search-index.ts), relative to /pagefind/. */
const PARTS_URL = '/pagefind/parts.json';
const PART_PATH = /^parts\/[1-9][0-9]{0,5}\/$/;

const form = /** @type {HTMLFormElement} */ (document.getElementById('search-form'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('search-q'));
const statusLine = /** @type {HTMLElement} */ (document.getElementById('search-status'));
const list = /** @type {HTMLOListElement} */ (document.getElementById('search-results'));
/** 统一搜索 (main site only): the list of the sub-sites' indexes copied into this site (pipeline/render/group-search.ts). */
const GROUP_LIST = list.dataset.group;
const OWN_SITE = list.dataset.siteName ?? '';

/** @type {Promise<{ pf: Pagefind, sites: GroupSite[], missing: string[] }> | undefined} */
let engine;
/**
 * This site's index, its parts merged in, with every sub-site's (and their parts) on the main site.
 * A site whose index, or a part of it, fails to load is named, not fatal.
 */
function pagefind() {
  engine ??= /** @type {Promise<Pagefind>} */ (import(PAGEFIND_URL)).then(async (pf) => {
    await pf.options({ excerptLength: 40 });
    /** @type {GroupSite[]} */
    const sites = [];
    /** @type {string[]} */
    const missing = [];
    try {
      const parts = /** @type {unknown[]} */ (await fetch(PARTS_URL).then((r) => (r.ok ? r.json() : [])));
      for (const part of parts) if (typeof part === 'string' && PART_PATH.test(part)) await pf.mergeIndex(`/pagefind/${part}`, { excerptLength: 40 });
    } catch (err) {
      missing.push(OWN_SITE || '本站');
      console.error(err);
    }
    if (GROUP_LIST) {
      const listed = /** @type {GroupSite[]} */ (await fetch(GROUP_LIST).then((r) => (r.ok ? r.json() : [])));
      for (const site of listed) {
        let merged = 0;
        try {
          for (const index of [site.index, ...(site.parts ?? [])]) {
            await pf.mergeIndex(index, { baseUrl: site.url, excerptLength: 40 });
            merged++;
          }
        } catch (err) {
          missing.push(site.name);
          console.error(err);
        }
        if (merged > 0) sites.push(site);
      }
    }
    return { pf, sites, missing };
  });
  return engine;
}

/**
 * The site a result belongs to: a merged index's results carry that site's address.
 * @param {string} url
 * @param {readonly GroupSite[]} sites
 */
function siteOf(url, sites) {
  return sites.find((s) => url.startsWith(s.url))?.name ?? OWN_SITE;
}

/**
 * Pages that may contain every term, the likeliest first: Pagefind's hits for all
 * the terms, then for each term alone, then (on a small enough site) every page.
 * @param {Pagefind} pf
 * @param {readonly string[]} terms
 * @returns {Promise<PagefindResult[]>}
 */
async function candidates(pf, terms) {
  const queries = [terms.join(' '), ...(terms.length > 1 ? terms : [])];
  const found = await Promise.all(queries.map((q) => pf.search(q)));
  const all = (await pf.search(null)).results;
  /** @type {Map<string, PagefindResult>} */
  const out = new Map();
  for (const f of found) for (const r of f.results.slice(0, MAX_CANDIDATES)) if (!out.has(r.id)) out.set(r.id, r);
  if (all.length <= FULL_SCAN_PAGES) for (const r of all) if (!out.has(r.id)) out.set(r.id, r);
  return [...out.values()];
}

/** @param {string} s */
function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Pagefind excerpts are HTML with <mark>: keep the marks, escape everything else. */
/** @param {string} html */
function safeExcerpt(html) {
  const p = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html').body.firstElementChild;
  let out = '';
  for (const node of p ? Array.from(p.childNodes) : []) {
    const text = escapeHtml(node.textContent ?? '');
    out += node.nodeName === 'MARK' ? `<mark>${text}</mark>` : text;
  }
  // Chinese is indexed per character: merge runs of adjacent marks into one.
  return out.replace(/<\/mark><mark>/g, '');
}

/** @param {string} query */
async function run(query) {
  const terms = queryTerms(query);
  list.replaceChildren();
  if (terms.length === 0) {
    statusLine.textContent = '请输入关键词。';
    return;
  }
  statusLine.textContent = '正在搜索…';
  /** @type {PagefindResultData[]} */
  let results;
  /** @type {GroupSite[]} */
  let sites;
  /** @type {string[]} */
  let missing;
  try {
    const engine = await pagefind();
    ({ sites, missing } = engine);
    const data = await Promise.all((await candidates(engine.pf, terms)).map((r) => r.data()));
    results = data.filter((d) => containsAll(`${d.meta.title ?? ''}\n${d.content}`, terms));
    // A sub-site entry the main site adopted is found twice: keep the original, on its own site.
    const urls = new Set(results.map((d) => d.url));
    results = results.filter((d) => !(d.meta.original && urls.has(d.meta.original)));
  } catch (err) {
    statusLine.textContent = '搜索服务暂不可用，请稍后再试。';
    console.error(err);
    return;
  }
  const found = results.length > 0 ? `找到 ${results.length} 条与“${query}”相关的结果。` : `未找到与“${query}”相关的结果。`;
  statusLine.textContent = missing.length > 0 ? `${found}（${missing.join('、')}的索引暂不可用，未包含其结果。）` : found;
  for (const d of results) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.meta.title ?? d.url;
    const cite = document.createElement('cite');
    cite.textContent = new URL(d.url, location.href).href;
    const p = document.createElement('p');
    p.innerHTML = safeExcerpt(d.excerpt);
    if (GROUP_LIST) {
      const from = document.createElement('span');
      from.className = 'from';
      from.textContent = `来源：${siteOf(d.url, sites)}`;
      li.append(a, from, cite, p);
    } else {
      li.append(a, cite, p);
    }
    list.append(li);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = input.value.trim();
  const url = new URL(location.href);
  url.searchParams.set('q', q);
  history.replaceState(null, '', url);
  void run(q);
});

const initial = new URLSearchParams(location.search).get('q');
if (initial) {
  input.value = initial;
  const header = /** @type {HTMLInputElement | null} */ (document.getElementById('site-q'));
  if (header) header.value = initial;
  void run(initial.trim());
}
