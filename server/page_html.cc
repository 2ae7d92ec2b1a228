// The search page served at GET /: one self-contained HTML document (inline
// CSS and JS, no external assets), talking to /v1 with the visitor's key.
// The server replaces the one marker __PORTALKB_DEMO__ with true or false.
namespace portalkb::server {
extern const char* const kSearchPageHtml;
const char* const kSearchPageHtml = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portalkb search</title>
<link rel="icon" href="data:,">
<style>
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dee7; --accent:#1f5fbf; --bg:#fff; --soft:#f3f5f9; --warn:#8a5a00; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.75rem; align-items:center; padding:.75rem 1rem; border-bottom:1px solid var(--line); }
header h1 { font-size:1.1rem; margin:0 1rem 0 0; }
.demo { background:#fff4d6; color:var(--warn); padding:.4rem 1rem; font-size:.9rem; border-bottom:1px solid #f0d9a0; }
.box { position:relative; flex:1 1 22rem; }
#q { width:100%; font-size:1.05rem; padding:.55rem .7rem; border:1px solid var(--line); border-radius:6px; }
#q:focus, button:focus, a:focus, select:focus, input:focus { outline:3px solid #9bbcf0; outline-offset:1px; }
#suggestions { position:absolute; z-index:2; left:0; right:0; margin:0; padding:0; list-style:none; background:#fff;
  border:1px solid var(--line); border-top:none; border-radius:0 0 6px 6px; box-shadow:0 4px 10px rgba(0,0,0,.08); }
#suggestions li { padding:.45rem .7rem; cursor:pointer; }
#suggestions li[aria-selected="true"], #suggestions li:hover { background:var(--soft); }
#suggestions li small { color:var(--muted); margin-left:.4rem; }
select, button, input[type=password] { font:inherit; padding:.35rem .5rem; border:1px solid var(--line); border-radius:6px; background:#fff; }
button { cursor:pointer; }
main { display:grid; grid-template-columns: 15rem 1fr; gap:1.5rem; padding:1rem; max-width:72rem; margin:0 auto; }
aside h2 { font-size:.85rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:1rem 0 .3rem; }
aside ul { list-style:none; margin:0; padding:0; }
aside label { display:flex; gap:.4rem; align-items:center; padding:.15rem 0; cursor:pointer; }
aside .count { color:var(--muted); margin-left:auto; font-size:.85rem; }
/* The Filters button exists for narrow screens only (see the media query). */
#filters-toggle { display:none; }
#status { color:var(--muted); margin:.2rem 0 .8rem; min-height:1.4em; }
#correction a { color:var(--accent); }
ol#results { list-style:none; margin:0; padding:0; }
ol#results > li { padding:.8rem .6rem; border-bottom:1px solid var(--line); border-radius:4px; }
ol#results > li.active { background:var(--soft); }
ol#results a.title { font-size:1.08rem; color:var(--accent); text-decoration:none; font-weight:600; }
ol#results a.title:hover { text-decoration:underline; }
.meta { color:var(--muted); font-size:.85rem; }
.weak { display:inline-block; font-size:.75rem; color:var(--warn); border:1px solid #e5c77c; border-radius:4px; padding:0 .3rem; margin-left:.4rem; }
mark { background:#fff0a8; padding:0 .1em; }
.helpful { font-size:.85rem; color:var(--muted); margin-top:.3rem; }
.helpful button { font-size:.8rem; padding:.1rem .45rem; }
nav.pages { display:flex; gap:.4rem; flex-wrap:wrap; margin:1rem 0; }
nav.pages button[aria-current="page"] { background:var(--accent); color:#fff; border-color:var(--accent); }
.support { margin-top:1.5rem; padding:.8rem; background:var(--soft); border-radius:6px; }
.error { color:#a11; }
@media (max-width: 640px) {
  /* Filters button, then the facet panel it opens in place, then results:
     one column in document order, which is also the focus order. */
  main { grid-template-columns: 1fr; padding:.6rem; gap:.6rem; }
  #filters-toggle:not([hidden]) { display:block; justify-self:start; }
  #filters:not(.open) { display:none; }
  #filters.open { border:1px solid var(--line); border-radius:6px; padding:0 .7rem .6rem; }
  header { padding:.6rem; gap:.5rem; }
  /* Rows in markup order, so Tab follows the screen: the title, the search
     box on a row of its own, then the selectors. No `order` anywhere (WCAG
     2.4.3): the flow alone places them. */
  header h1 { flex:1 1 100%; margin:0; }
  header .box { flex:1 1 100%; }
  #principal, #key, #ui-lang { max-width:100%; }
  /* In the flow, not over it: the open list pushes the selectors, the status
     line and the results down instead of covering them. Kept short enough
     that the status line stays on screen below it. */
  #suggestions { position:static; max-height:40vh; overflow-y:auto; }
}
</style>
</head>
<body>
<div id="demo-banner" class="demo" role="note" data-t="demo" hidden></div>
<!-- The header's markup is its order on screen at every width (desktop: one
     row; phone: title, box, selectors rows), so Tab follows what is shown. -->
<header>
  <h1 id="t-title" data-t="title">Search</h1>
  <div class="box" role="search">
    <input id="q" type="search" autocomplete="off" spellcheck="false" role="combobox" aria-autocomplete="list"
           aria-expanded="false" aria-controls="suggestions" aria-label="Search" data-t-aria-label="search"
           data-t-placeholder="placeholder">
    <ul id="suggestions" role="listbox" aria-label="Suggestions" data-t-aria-label="suggestions" hidden></ul>
  </div>
  <select id="principal" aria-label="Search as" data-t-aria-label="as" hidden></select>
  <input id="key" type="password" placeholder="API key" aria-label="API key" data-t-placeholder="key"
         data-t-aria-label="key" hidden>
  <select id="ui-lang" aria-label="Language" data-t-aria-label="language">
    <option value="en" lang="en">English</option><option value="nl" lang="nl">Nederlands</option><option value="sv" lang="sv">Svenska</option>
  </select>
</header>
<main>
  <button id="filters-toggle" type="button" aria-expanded="false" aria-controls="filters" hidden>Filters</button>
  <aside id="filters" aria-label="Filters" data-t-aria-label="filters"><div id="facets"></div></aside>
  <section aria-label="Results" data-t-aria-label="resultsLabel">
    <div id="status" role="status" aria-live="polite"></div>
    <div id="correction"></div>
    <ol id="results" aria-label="Results" data-t-aria-label="resultsLabel"></ol>
    <nav class="pages" id="pages" aria-label="Pages" data-t-aria-label="pages"></nav>
    <div class="support" id="support" hidden>
      <span id="t-notfound"></span> <button id="contact" type="button" data-t="contact"></button>
    </div>
  </section>
</main>
<script>
"use strict";
const DEMO = __PORTALKB_DEMO__;
const PAGE = 10;
const FACETS = ["type", "lang", "category", "tags"];
const T = {
  en: { title: "Search", placeholder: "Search articles and documents", results: n => n === 1 ? "1 result" : n + " results",
        none: "No results", weak: "partial match", meant: "Did you mean", showing: "Showing results for",
        instead: "Search instead for", helpful: "Was this helpful?", yes: "Yes", no: "No", thanks: "Thank you!",
        notfound: "Didn't find what you were looking for?", contact: "Contact support", contacted: "Support has been told.",
        prev: "Previous", next: "Next", as: "Search as", key: "API key", needkey: "A key is needed to search (add #key=... to the address).",
        demo: "Demo mode: this server is open to anyone and uses demo principals. Never run it like this in production.",
        facet: { type: "Type", lang: "Language", category: "Category", tags: "Tags" }, failed: "Search failed", filters: "Filters",
        pagetitle: "portalkb search", search: "Search", suggestions: "Suggestions", resultsLabel: "Results", pages: "Pages",
        page: n => "Page " + n, language: "Language",
        principals: { anonymous: "Anonymous visitor", "acme-customer": "Customer of Acme", "globex-finance": "Finance at Globex",
                      "support-agent": "Support agent", editor: "Editor (sees drafts)" } },
  nl: { title: "Zoeken", placeholder: "Zoek in artikelen en documenten", results: n => n === 1 ? "1 resultaat" : n + " resultaten",
        none: "Geen resultaten", weak: "gedeeltelijke match", meant: "Bedoelde u", showing: "Resultaten voor",
        instead: "Zoek in plaats daarvan naar", helpful: "Was dit nuttig?", yes: "Ja", no: "Nee", thanks: "Bedankt!",
        notfound: "Niet gevonden wat u zocht?", contact: "Neem contact op", contacted: "De klantenservice is op de hoogte.",
        prev: "Vorige", next: "Volgende", as: "Zoeken als", key: "API-sleutel", needkey: "Er is een sleutel nodig om te zoeken (voeg #key=... toe aan het adres).",
        demo: "Demomodus: deze server is voor iedereen open en gebruikt demo-rollen. Nooit zo in productie draaien.",
        facet: { type: "Soort", lang: "Taal", category: "Categorie", tags: "Labels" }, failed: "Zoeken mislukt", filters: "Filters",
        pagetitle: "portalkb zoeken", search: "Zoeken", suggestions: "Suggesties", resultsLabel: "Resultaten", pages: "Pagina's",
        page: n => "Pagina " + n, language: "Taal",
        principals: { anonymous: "Anonieme bezoeker", "acme-customer": "Klant van Acme", "globex-finance": "Financiën bij Globex",
                      "support-agent": "Supportmedewerker", editor: "Redacteur (ziet concepten)" } },
  sv: { title: "Sök", placeholder: "Sök i artiklar och dokument", results: n => n === 1 ? "1 träff" : n + " träffar",
        none: "Inga träffar", weak: "delvis träff", meant: "Menade du", showing: "Visar resultat för",
        instead: "Sök i stället efter", helpful: "Var detta till hjälp?", yes: "Ja", no: "Nej", thanks: "Tack!",
        notfound: "Hittade du inte det du sökte?", contact: "Kontakta support", contacted: "Support har fått veta.",
        prev: "Föregående", next: "Nästa", as: "Sök som", key: "API-nyckel", needkey: "En nyckel behövs för att söka (lägg till #key=... i adressen).",
        demo: "Demoläge: servern är öppen för alla och använder demoroller. Kör aldrig så i produktion.",
        facet: { type: "Typ", lang: "Språk", category: "Kategori", tags: "Etiketter" }, failed: "Sökningen misslyckades", filters: "Filter",
        pagetitle: "portalkb sök", search: "Sök", suggestions: "Förslag", resultsLabel: "Träffar", pages: "Sidor",
        page: n => "Sida " + n, language: "Språk",
        principals: { anonymous: "Anonym besökare", "acme-customer": "Kund hos Acme", "globex-finance": "Ekonomi på Globex",
                      "support-agent": "Supporthandläggare", editor: "Redaktör (ser utkast)" } },
};
const $ = id => document.getElementById(id);
// failure: the message of the last failed search ("" when it lacked a key),
// null when it did not fail; kept so a language switch can say it again.
const state = { q: "", offset: 0, selected: {}, key: "", last: null, active: -1, suggestion: -1, session: "",
                failure: null, contacted: false };
let ui = T.en;

// Markup names its strings by key: data-t for the text, data-t-ATTRIBUTE for
// an attribute (aria-label, placeholder, title). What is built later takes
// its strings from `ui` when it is built, and is rebuilt here.
const TRANSLATED_ATTRIBUTES = ["aria-label", "placeholder", "title"];
function tr() {
  const lang = T[$("ui-lang").value] ? $("ui-lang").value : "en";
  ui = T[lang];
  document.documentElement.lang = lang;
  document.title = ui.pagetitle;
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = ui[e.dataset.t] ?? T.en[e.dataset.t];
  for (const attr of TRANSLATED_ATTRIBUTES) {
    for (const e of document.querySelectorAll("[data-t-" + attr + "]")) {
      const key = e.getAttribute("data-t-" + attr);
      e.setAttribute(attr, ui[key] ?? T.en[key]);
    }
  }
  $("t-notfound").textContent = state.contacted ? ui.contacted : ui.notfound;
  for (const o of $("principal").options) o.textContent = principalLabel(o);
  renderFiltersToggle();
  if (state.last) render(state.last);
  else if (state.failure !== null) renderFailure();
}

// The demo principals the page knows are named in the interface language;
// any other keeps the label the server gave it.
function principalLabel(option) {
  const id = option.dataset.principal;
  return Object.hasOwn(ui.principals, id) ? ui.principals[id] : option.dataset.label;
}

// The engine's snippets are HTML-escaped text with <mark> around matched
// words; anything else is dropped rather than trusted.
function snippetNode(html) {
  const out = document.createElement("span");
  const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
  for (const n of doc.body.childNodes) {
    if (n.nodeType === 3) out.append(n.textContent);
    else if (n.nodeName === "MARK") { const m = document.createElement("mark"); m.textContent = n.textContent; out.append(m); }
    else out.append(n.textContent || "");
  }
  return out;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.key) headers["Authorization"] = "Bearer " + state.key;
  const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, keepalive: method === "POST" });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((data.error && data.error.message) || r.status);
  return data;
}

function filters() {
  const out = [];
  for (const [field, values] of Object.entries(state.selected)) {
    if (values.size) out.push(field + "=" + [...values].join("|"));
  }
  return out;
}

let searchSeq = 0;
async function search() {
  const seq = ++searchSeq;
  if (!state.q.trim()) { state.last = null; state.failure = null; $("results").replaceChildren(); renderFacets({});
    $("pages").replaceChildren(); $("status").textContent = ""; $("correction").replaceChildren(); $("support").hidden = true; return; }
  try {
    const r = await api("POST", "/v1/search", { query: state.q, filters: filters(), facets: FACETS, limit: PAGE,
                                              offset: state.offset, session: state.session });
    if (seq !== searchSeq) return;  // a later search is on its way
    state.last = r;
    state.failure = null;
    state.active = -1;
    render(r);
  } catch (e) {
    if (seq !== searchSeq) return;
    state.failure = state.key || DEMO ? String(e.message) : "";
    renderFailure();
  }
}

function renderFailure() {
  $("status").replaceChildren(el("span", { class: "error" }, state.failure ? ui.failed + ": " + state.failure : ui.needkey));
}

// A hit's own language (when it names one) is marked on its title and
// snippet, so a screen reader reads a Dutch article as Dutch on an English page.
function contentLang(h) {
  return typeof h.lang === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(h.lang) ? { lang: h.lang } : {};
}

function render(r) {
  // A search without facets may stop counting: then total is a lower bound.
  $("status").textContent = r.total ? ui.results(r.total_exact === false ? r.total + "+" : r.total) : ui.none;
  const corr = $("correction");
  corr.replaceChildren();
  if (r.corrected_query) {
    corr.append(el("p", {}, ui.showing + " ", el("strong", {}, r.corrected_query), ". ", ui.instead + " ",
      el("a", { href: "#", onclick: ev => { ev.preventDefault(); setQuery(r.query); } }, r.query), "?"));
  } else if (r.suggestion) {
    corr.append(el("p", {}, ui.meant + " ",
      el("a", { href: "#", onclick: ev => { ev.preventDefault(); setQuery(r.suggestion); } }, r.suggestion), "?"));
  }
  const list = $("results");
  list.replaceChildren();
  r.hits.forEach((h, i) => {
    const title = el("a", { class: "title", href: h.url || "#", onclick: () => logClick(h, i), ...contentLang(h) }, h.title || h.id);
    const li = el("li", { id: "hit-" + i }, title);
    if (h.weak) li.append(el("span", { class: "weak", title: ui.weak }, ui.weak));
    li.append(el("div", { class: "meta" }, [h.type, h.lang, h.category, h.updated_at].filter(Boolean).join(" · ")));
    li.append(el("div", { class: "snippet", ...contentLang(h) }, snippetNode(h.snippet || "")));
    const fb = el("div", { class: "helpful" }, ui.helpful + " ");
    const vote = helpful => async () => {
      try { await api("POST", "/v1/feedback", { query_id: r.query_id || "", doc_id: h.id, helpful }); fb.replaceChildren(ui.thanks); }
      catch (e) { fb.append(" " + e.message); }
    };
    fb.append(el("button", { type: "button", onclick: vote(true) }, ui.yes), " ", el("button", { type: "button", onclick: vote(false) }, ui.no));
    li.append(fb);
    list.append(li);
  });
  $("support").hidden = false;
  renderFacets(r.facets || {});
  renderPages(r.total);
}

function activeFilters() {
  return Object.values(state.selected).reduce((n, values) => n + values.size, 0);
}

// The phone's Filters button: its label counts the chosen values; it is
// offered while there is something to choose or to clear.
function renderFiltersToggle() {
  const n = activeFilters();
  const b = $("filters-toggle");
  b.textContent = n ? ui.filters + " (" + n + ")" : ui.filters;
  b.hidden = !n && !$("facets").childElementCount;
  if (b.hidden) setFiltersOpen(false);
}

function setFiltersOpen(open) {
  $("filters").classList.toggle("open", open);
  $("filters-toggle").setAttribute("aria-expanded", String(open));
}
$("filters-toggle").addEventListener("click", () => setFiltersOpen(!$("filters").classList.contains("open")));
// Escape in the open panel closes it and gives focus back to its button
// (only where the button is shown: on a desktop the panel is a sidebar).
$("filters").addEventListener("keydown", ev => {
  const b = $("filters-toggle");
  if (ev.key !== "Escape" || !b.offsetParent || !$("filters").classList.contains("open")) return;
  setFiltersOpen(false);
  b.focus();
});

function renderFacets(facets) {
  const box = $("facets");
  // Rebuilding the list would drop the keyboard focus from the checkbox just
  // toggled; it is put back on the same field and value.
  const had = box.contains(document.activeElement) ? document.activeElement : null;
  box.replaceChildren();
  for (const field of FACETS) {
    const counts = (facets[field] || []).slice();
    const sel = state.selected[field] || new Set();
    // A chosen value no hit has any more is still listed (count 0), so it can
    // be cleared and the Filters button never counts what cannot be seen.
    for (const v of sel) if (!counts.some(c => c.value === v)) counts.push({ value: v, count: 0 });
    if (!counts.length) continue;
    const ul = el("ul", {});
    for (const c of counts) {
      const cb = el("input", { type: "checkbox" });
      cb.dataset.field = field;
      cb.dataset.value = c.value;
      cb.checked = sel.has(c.value);
      cb.addEventListener("change", () => {
        state.selected[field] = state.selected[field] || new Set();
        if (cb.checked) state.selected[field].add(c.value); else state.selected[field].delete(c.value);
        state.offset = 0;
        search();
      });
      ul.append(el("li", {}, el("label", {}, cb, c.value, el("span", { class: "count" }, String(c.count)))));
    }
    box.append(el("h2", { id: "facet-" + field }, ui.facet[field] || field));
    ul.setAttribute("aria-labelledby", "facet-" + field);
    box.append(ul);
  }
  renderFiltersToggle();
  if (had) {
    const again = [...box.querySelectorAll("input")].find(i => i.dataset.field === had.dataset.field &&
                                                               i.dataset.value === had.dataset.value);
    const toggle = $("filters-toggle");
    (again || (toggle.offsetParent ? toggle : $("q"))).focus();
  }
}

function renderPages(total) {
  const nav = $("pages");
  nav.replaceChildren();
  const pages = Math.ceil(total / PAGE);
  if (pages <= 1) return;
  const current = Math.floor(state.offset / PAGE);
  const go = p => () => { state.offset = p * PAGE; search(); window.scrollTo(0, 0); };
  if (current > 0) nav.append(el("button", { type: "button", onclick: go(current - 1) }, ui.prev));
  for (let p = Math.max(0, current - 3); p < Math.min(pages, current + 4); p++) {
    const b = el("button", { type: "button", onclick: go(p), "aria-label": ui.page(p + 1) }, String(p + 1));
    if (p === current) b.setAttribute("aria-current", "page");
    nav.append(b);
  }
  if (current < pages - 1) nav.append(el("button", { type: "button", onclick: go(current + 1) }, ui.next));
}

function logClick(h, i) {
  if (!state.last || !state.last.query_id) return;
  api("POST", "/v1/events/click", { query_id: state.last.query_id, doc_id: h.id, position: state.offset + i + 1 }).catch(() => {});
}

$("contact").addEventListener("click", async () => {
  if (!state.last || !state.last.query_id) return;
  try {
    await api("POST", "/v1/events/support-contact", { query_id: state.last.query_id });
    state.contacted = true;
    $("t-notfound").textContent = ui.contacted;
  }
  catch (e) { $("t-notfound").textContent = e.message; }
});

// Search-as-you-type: results and completions, debounced.
let timer = 0;
function setQuery(q) { $("q").value = q; state.q = q; state.offset = 0; closeSuggestions(); search(); }
$("q").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => { state.q = $("q").value; state.offset = 0; search(); suggest(); }, 200);
});

let suggestSeq = 0;
async function suggest() {
  const seq = ++suggestSeq;
  const prefix = $("q").value;
  if (!prefix.trim()) return closeSuggestions();
  try {
    const r = await api("GET", "/v1/suggest?limit=6&q=" + encodeURIComponent(prefix));
    if (seq !== suggestSeq) return;
    const ul = $("suggestions");
    ul.replaceChildren();
    r.suggestions.forEach((s, i) => {
      const li = el("li", { role: "option", id: "sug-" + i, "aria-selected": "false",
                            onmousedown: ev => { ev.preventDefault(); setQuery(s.text); } }, s.text);
      ul.append(li);
    });
    state.suggestion = -1;
    ul.hidden = !r.suggestions.length;
    $("q").setAttribute("aria-expanded", String(!ul.hidden));
  } catch (e) { closeSuggestions(); }
}
function closeSuggestions() {
  $("suggestions").hidden = true;
  $("q").setAttribute("aria-expanded", "false");
  $("q").removeAttribute("aria-activedescendant");
  state.suggestion = -1;
}
function moveSuggestion(d) {
  const items = [...$("suggestions").children];
  if ($("suggestions").hidden || !items.length) return false;
  // -1 is the box itself: moving past either end returns to it.
  let next = state.suggestion + d;
  if (next < -1) next = items.length - 1;
  if (next >= items.length) next = -1;
  state.suggestion = next;
  items.forEach((li, i) => li.setAttribute("aria-selected", String(i === state.suggestion)));
  if (state.suggestion >= 0) $("q").setAttribute("aria-activedescendant", items[state.suggestion].id);
  else $("q").removeAttribute("aria-activedescendant");
  return true;
}
$("q").addEventListener("keydown", ev => {
  if (ev.key === "ArrowDown" && moveSuggestion(1)) ev.preventDefault();
  else if (ev.key === "ArrowUp" && moveSuggestion(-1)) ev.preventDefault();
  else if (ev.key === "Escape") closeSuggestions();
  else if (ev.key === "Enter") {
    ev.preventDefault();
    const items = $("suggestions").children;
    if (state.suggestion >= 0 && items[state.suggestion]) setQuery(items[state.suggestion].textContent);
    else { clearTimeout(timer); closeSuggestions(); state.q = $("q").value; state.offset = 0; search(); }
  }
});
$("q").addEventListener("blur", () => setTimeout(closeSuggestions, 100));

// Keyboard navigation of results: "/" focuses the box, j/k or arrows move,
// Enter opens the active result.
document.addEventListener("keydown", ev => {
  if (ev.target === $("q")) {
    if (ev.key === "ArrowDown" && $("suggestions").hidden && state.last && state.last.hits.length) { ev.preventDefault(); activate(0); }
    return;
  }
  if (ev.target.tagName === "INPUT" || ev.target.tagName === "SELECT") return;
  if (ev.key === "/") { ev.preventDefault(); $("q").focus(); return; }
  if (!state.last || !state.last.hits.length) return;
  if (ev.key === "j" || ev.key === "ArrowDown") { ev.preventDefault(); activate(Math.min(state.active + 1, state.last.hits.length - 1)); }
  else if (ev.key === "k" || ev.key === "ArrowUp") {
    ev.preventDefault();
    if (state.active <= 0) { state.active = -1; markActive(); $("q").focus(); } else activate(state.active - 1);
  }
});
function activate(i) { state.active = i; markActive(); const a = document.querySelector("#hit-" + i + " a.title"); if (a) a.focus(); }
function markActive() { document.querySelectorAll("ol#results > li").forEach((li, i) => li.classList.toggle("active", i === state.active)); }

// Keys: in demo mode from the server's demo principals; otherwise from the
// address's fragment (#key=..., never sent to the server) or typed in.
async function setupKeys() {
  state.session = "s-" + Math.random().toString(36).slice(2, 12);
  if (DEMO) {
    $("demo-banner").hidden = false;
    const r = await api("GET", "/v1/demo/principals").catch(() => ({ principals: [] }));
    const sel = $("principal");
    for (const p of r.principals) {
      const o = el("option", { value: p.key, "data-principal": String(p.id), "data-label": String(p.label) });
      o.textContent = principalLabel(o);
      sel.append(o);
    }
    sel.hidden = !r.principals.length;
    state.key = sel.value || "";
    sel.addEventListener("change", () => { state.key = sel.value; state.selected = {}; state.offset = 0; search(); });
    return;
  }
  const m = /(?:^|[#&])key=([^&]+)/.exec(location.hash);
  state.key = m ? decodeURIComponent(m[1]) : (sessionStorage.getItem("portalkb-key") || "");
  const input = $("key");
  input.hidden = false;
  input.value = state.key;
  input.addEventListener("change", () => { state.key = input.value.trim(); sessionStorage.setItem("portalkb-key", state.key); search(); });
}

const browserLang = (navigator.language || "en").slice(0, 2);
if (T[browserLang]) $("ui-lang").value = browserLang;
$("ui-lang").addEventListener("change", tr);
tr();
setupKeys().then(() => $("q").focus());
</script>
</body>
</html>
)PAGE";
}  // namespace portalkb::server
