/* errdex search UI: the header box (a combobox with a popup of results) and the search
   page (results in #search-results, the query in ?q=). Matching is in search-core.js.
   The index loads when the reader starts searching; words come from data-* attributes;
   text reaches the DOM through textContent only. */
'use strict';

(function () {
  const core = window.ErrdexSearchCore;
  const POPUP_LIMIT = 8;
  const PAGE_STEP = 20;
  const indexes = new Map();

  /** The index of the folder at a URL, loading each file once, shared by every form. */
  function indexAt(baseUrl) {
    if (!indexes.has(baseUrl)) indexes.set(baseUrl, createIndex(baseUrl));
    return indexes.get(baseUrl);
  }

  /** A loader for one language's index: meta.json, then the shards that queries ask for. */
  function createIndex(baseUrl) {
    const files = new Map();
    const index = { meta: null, codes: new Map(), terms: new Map(), docs: new Map() };

    /** Fetch a JSON file of the index once; a failed fetch may be retried later. */
    function fetchJson(path) {
      if (!files.has(path)) {
        const promise = fetch(new URL(path, baseUrl), { credentials: 'same-origin' }).then((response) => {
          if (!response.ok) throw new Error(`${response.status} ${response.url}`);
          return response.json();
        });
        promise.catch(() => files.delete(path));
        files.set(path, promise);
      }
      return files.get(path);
    }

    /** Load numbered shards of one kind (codes, terms, docs) into the index. */
    function load(kind, numbers) {
      return Promise.all(numbers.map((n) => fetchJson(`${kind}/${n}.json`).then((shard) => index[kind].set(n, shard))));
    }

    /** Load meta.json (the first thing a search needs). */
    async function ready() {
      index.meta = index.meta || await fetchJson('meta.json');
      return index;
    }

    /** Load the shards a query needs and search them. */
    async function lookUp(query, withTerms) {
      const needed = core.shardsNeeded(query, index.meta, withTerms);
      await Promise.all([load('codes', needed.codes), load('terms', needed.terms)]);
      return core.search(query, index, withTerms);
    }

    /** A loaded document: [code, statuses, messages, snippet, retired]. */
    function doc(number) {
      const perShard = index.meta.docs_per_shard;
      return index.docs.get(Math.floor(number / perShard))[number % perShard];
    }

    /** Search for a text: {query, total, docs: the best `limit` documents}. */
    async function find(text, limit) {
      const query = core.parseQuery(text);
      if (core.isEmpty(query)) return { query, total: 0, docs: [] };
      await ready();
      // A code-shaped query is answered from the code shards, unless they know no such code.
      let found = await lookUp(query, !query.codeShaped);
      if (query.codeShaped && !found.special.size) found = await lookUp(query, true);
      const wanted = core.docsNeeded(found, limit);
      await load('docs', [...new Set(wanted.map((n) => Math.floor(n / index.meta.docs_per_shard)))]);
      const ranked = core.finish(found, query, doc, limit);
      return { query, total: ranked.total, docs: ranked.hits.map((hit) => doc(hit.doc)) };
    }

    return { ready, find, meta: () => index.meta };
  }

  /** A word of the interface from the form's data-word-* attributes, with {name} filled in. */
  function word(form, name, values) {
    const text = form.dataset[`word${name[0].toUpperCase()}${name.slice(1)}`] || '';
    return text.replace(/\{(\w+)\}/g, (whole, key) => (key in (values || {}) ? String(values[key]) : whole));
  }

  /** "3 results", "1 result" or "No results". */
  function countWords(form, total) {
    if (total === 0) return word(form, 'none');
    return total === 1 ? word(form, 'result') : word(form, 'results', { n: total });
  }

  /** An element with a class and text. */
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Text with the query's matches wrapped in <mark>, built from text nodes. */
  function marked(tag, className, text, query) {
    const node = element(tag, className);
    let at = 0;
    for (const [start, end] of core.highlight(text, query)) {
      node.append(text.slice(at, start), element('mark', '', text.slice(start, end)));
      at = end;
    }
    node.append(text.slice(at));
    return node;
  }

  /** The address of a code's page in this language. */
  function codeUrl(form, meta, code) {
    const root = new URL(form.dataset.root, document.baseURI);
    return new URL(meta.url.replace('{code}', encodeURIComponent(code)), root).href;
  }

  /** A link to one result: code, HTTP status, message with matches marked, snippet. */
  function resultLink(form, meta, doc, query) {
    const [code, statuses, messages, snippet, retired] = doc;
    const link = element('a', 'search-result');
    link.href = codeUrl(form, meta, code);
    link.append(element('span', 'search-result-code', code));
    for (const status of statuses) link.append(element('span', 'search-result-status', word(form, 'status', { status })));
    if (retired) link.append(element('span', 'search-result-retired', word(form, 'retired')));
    if (messages.length) link.append(marked('span', 'search-result-message', messages[0], query));
    if (snippet) link.append(marked('span', 'search-result-snippet', snippet, query));
    return link;
  }

  /** Call fn after `delay` ms of quiet (each call restarts the wait); at once if delay is 0. */
  function debounce(fn, delay) {
    let timer = null;
    const debounced = (...args) => {
      clearTimeout(timer);
      if (delay > 0) timer = setTimeout(() => fn(...args), delay); else fn(...args);
    };
    debounced.cancel = () => clearTimeout(timer);
    return debounced;
  }

  /** True if a key press is meant for a text field, not for the page. */
  function isTyping(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  /** The header box: results as you type in a listbox popup, keyboard and ARIA combobox. */
  function setUpBox(form) {
    const input = form.querySelector('input[name="q"]');
    const popup = form.querySelector('[role="listbox"]');
    const status = form.querySelector('[role="status"]');
    const index = indexAt(new URL(form.dataset.index, document.baseURI).href);
    let options = [];
    let active = -1;
    let serial = 0;

    /** Mark option i as the selected one (-1: none). */
    function select(i) {
      options.forEach((option, j) => option.setAttribute('aria-selected', String(i === j)));
      active = i;
      if (i < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    }

    /** Show or hide the popup; hiding it clears the selection. */
    function expand(open) {
      popup.hidden = !open;
      input.setAttribute('aria-expanded', String(open));
      if (!open) select(-1);
    }

    /** Show a search's results in the popup and announce their count. */
    function show(result) {
      options = result.docs.map((doc, i) => {
        const option = resultLink(form, index.meta(), doc, result.query);
        option.id = `${popup.id}-${i}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.tabIndex = -1;
        return option;
      });
      popup.replaceChildren(...options);
      status.textContent = countWords(form, result.total);
      select(-1);
      expand(options.length > 0);
    }

    /** Search for the box's text now; resolve when the popup shows the results. */
    async function update() {
      const mine = ++serial;
      const text = input.value;
      if (!text.trim()) {
        expand(false);
        options = [];
        return;
      }
      try {
        const result = await index.find(text, POPUP_LIMIT);
        if (mine === serial) show(result);
      } catch (error) {
        if (mine !== serial) return;
        expand(false);
        options = [];
        status.textContent = word(form, 'failed');
      }
    }
    const later = debounce(update, Number(form.dataset.debounce));

    /** Enter: open the selected or first result; without results, the search page. */
    async function enter(event) {
      event.preventDefault();
      later.cancel();
      const choice = options[active];
      if (!choice) await update();
      const target = choice || options[0];
      if (target) location.assign(target.href); else form.submit();
    }

    /** Arrows move through the results, Enter opens one, Escape closes the popup. */
    function onKey(event) {
      const count = options.length;
      if (event.isComposing) return; // the key belongs to the input method (pinyin and the like)
      if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && count) {
        event.preventDefault();
        expand(true);
        if (event.key === 'ArrowDown') select(active + 1 >= count ? 0 : active + 1);
        else select(active - 1 < 0 ? count - 1 : active - 1);
      } else if (event.key === 'Enter') {
        enter(event);
      } else if (event.key === 'Escape' && !popup.hidden) {
        event.preventDefault();
        expand(false);
      }
    }

    input.addEventListener('focus', () => index.ready().catch(() => {}), { once: true });
    input.addEventListener('input', later);
    input.addEventListener('keydown', onKey);
    input.addEventListener('blur', () => expand(false));
    // Keep the focus in the box while a result is clicked, so the click lands.
    popup.addEventListener('mousedown', (event) => event.preventDefault());
    document.addEventListener('keydown', (event) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  /** The ?q= of the current address. */
  function queryInUrl() {
    return new URLSearchParams(location.search).get('q') || '';
  }

  /** Put a query into the address: a new history entry (push) or the current one. */
  function writeUrl(text, push) {
    const url = new URL(location.href);
    if (text) url.searchParams.set('q', text); else url.searchParams.delete('q');
    if (url.href !== location.href) history[push ? 'pushState' : 'replaceState']({ q: text }, '', url);
  }

  /** The search page: results of ?q= in #search-results, the address following the box. */
  function setUpPage(form, list) {
    const input = form.querySelector('input[name="q"]');
    const summary = document.getElementById('search-summary');
    const more = document.getElementById('search-more');
    const index = indexAt(new URL(form.dataset.index, document.baseURI).href);
    let serial = 0;
    let limit = PAGE_STEP;
    // The first keystroke after a committed query starts a new history entry; the rest replace it.
    let pushNext = true;

    /** Search and render the first `limit` results into the list. */
    async function render(text) {
      const mine = ++serial;
      list.setAttribute('aria-busy', 'true');
      try {
        const result = await index.find(text, limit);
        if (mine !== serial) return;
        list.replaceChildren(...result.docs.map((doc) => {
          const item = element('li');
          item.append(resultLink(form, index.meta(), doc, result.query));
          return item;
        }));
        summary.textContent = text.trim() ? countWords(form, result.total) : '';
        more.hidden = result.total <= result.docs.length;
      } catch (error) {
        if (mine === serial) summary.textContent = word(form, 'failed');
      } finally {
        if (mine === serial) list.removeAttribute('aria-busy');
      }
    }

    /** Render a new query from its first results. */
    function restart(text) {
      limit = PAGE_STEP;
      return render(text);
    }

    /** Put what was typed into the address and show its results. */
    function follow(text) {
      writeUrl(text, pushNext);
      pushNext = false;
      restart(text);
    }
    const later = debounce(follow, Number(form.dataset.debounce));

    input.addEventListener('input', () => later(input.value));
    input.addEventListener('change', () => { pushNext = true; });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      later.cancel();
      writeUrl(input.value, pushNext);
      pushNext = true;
      restart(input.value);
    });
    more.addEventListener('click', () => {
      limit += PAGE_STEP;
      render(input.value);
    });
    window.addEventListener('popstate', () => {
      input.value = queryInUrl();
      pushNext = true;
      restart(input.value);
    });
    input.value = queryInUrl();
    if (input.value) restart(input.value);
  }

  /** Start the search forms of the page. */
  function start() {
    document.querySelectorAll('form[data-search-box]').forEach(setUpBox);
    const list = document.getElementById('search-results');
    const form = document.querySelector('form[data-search-page]');
    if (list && form) setUpPage(form, list);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
