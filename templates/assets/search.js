/* errdex search UI: the header box (a combobox with a popup of results), the search
   page (results in #search-results, the query in ?q=, a service in ?service=) and the
   help that follows a weak search or a missing page (404). Matching is in
   search-core.js. The index loads when the reader starts searching; words come from
   data-* attributes; text reaches the DOM through textContent only. */
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
    const index = { meta: null, codes: new Map(), terms: new Map(), typos: new Map(), docs: new Map() };
    let lexicon = null;

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

    /** Load numbered shards of one kind (codes, terms, typos, docs) into the index. */
    function load(kind, numbers) {
      return Promise.all(numbers.map((n) => fetchJson(`${kind}/${n}.json`).then((shard) => index[kind].set(n, shard))));
    }

    /** Load meta.json (the first thing a search needs). */
    async function ready() {
      index.meta = index.meta || await fetchJson('meta.json');
      return index;
    }

    /** lexicon.json: the fold table and the synonyms, for word queries. */
    async function loadLexicon() {
      if (!lexicon) {
        const data = await fetchJson('lexicon.json');
        lexicon = { fold: core.foldTable(data.fold), synonyms: data.synonyms };
      }
      return lexicon;
    }

    /** Load the code and term shards a query needs. */
    async function loadFor(query, withTerms) {
      const needed = core.shardsNeeded(query, index.meta, withTerms);
      await Promise.all([load('codes', needed.codes), load('terms', needed.terms)]);
    }

    /** Load the shards a query needs and search them. */
    async function lookUp(query, withTerms) {
      await loadFor(query, withTerms);
      return core.search(query, index, withTerms);
    }

    /** Search a query's words, with the corrections of those the index lacks. */
    async function lookUpWords(text) {
      const query = core.parseQuery(text, await loadLexicon());
      await loadFor(query, true);
      const typos = core.typoWords(query, index);
      if (typos.length) {
        await load('typos', core.typoShards(typos, index.meta));
        core.addTypos(query, typos, index);
        if (query.typos.size) await loadFor(query, true);
      }
      return { query, found: core.search(query, index, true) };
    }

    /** Load the documents (by number) into the index. */
    function loadDocs(numbers) {
      return load('docs', [...new Set(numbers.map((n) => Math.floor(n / index.meta.docs_per_shard)))]);
    }

    /** A loaded document: [code, statuses, messages, snippet, retired, prefix page, services]. */
    function doc(number) {
      const perShard = index.meta.docs_per_shard;
      return index.docs.get(Math.floor(number / perShard))[number % perShard];
    }

    /** The documents of a service, or null if the index knows no such service. */
    async function serviceFilter(service) {
      return core.serviceDocs(await fetchJson('services.json'), service);
    }

    /** The [id, name, page] of a service from services.json, or null. */
    async function serviceInfo(service) {
      return (await fetchJson('services.json')).services.find((s) => s[0] === service) || null;
    }

    /** Search for a text: {query, total, docs: the best `limit` documents, weak, help}. */
    async function find(text, limit, service) {
      let query = core.parseQuery(text);
      if (core.isEmpty(query)) return { query, total: 0, docs: [], weak: false, help: null };
      await ready();
      // A code-shaped query is answered from the code shards, unless they know no such code.
      let found = query.codeShaped ? await lookUp(query, false) : null;
      if (!found || !found.special.size) ({ query, found } = await lookUpWords(text));
      if (service) found = core.narrowTo(found, await serviceFilter(service) || new Set());
      await loadDocs(core.docsNeeded(found, limit));
      const ranked = core.finish(found, query, doc, limit, lexicon && lexicon.fold);
      const result = { query, total: ranked.total, docs: ranked.hits.map((hit) => doc(hit.doc)), weak: ranked.weak,
        // A code typed, or a paste with one code in it, that the index knows: Enter may open its page.
        exact: query.codes.length === 1 && ranked.hits.length > 0 && ranked.hits[0].tier === core.TIER.EXACT };
      result.help = ranked.weak ? await help(query) : null;
      return result;
    }

    /** What to offer after a weak search: closest codes, the prefix's and services' pages, where else to look. */
    async function help(query) {
      await ready();
      const key = core.helpCode(query);
      const found = { key, suggestions: [], prefix: null, services: [], elsewhere: null,
        center: core.errorCenter(index.meta) };
      if (!key) return found;
      found.elsewhere = core.documentedElsewhere(index.meta, key);
      await load('codes', core.suggestionShards(key, index.meta));
      const docs = core.closestCodes(key, index);
      await loadDocs(docs);
      found.suggestions = docs.map(doc);
      const letters = core.letterPrefix(key);
      const own = found.suggestions.filter((d) => core.letterPrefix(core.foldCode(d[0])) === letters);
      if (own.length && core.coversPrefix(index.meta, letters)) {
        found.prefix = { name: prefixName(own[0][0], letters), page: own[0][5] };
        const services = new Map();
        own.forEach((d) => (d[6] || []).forEach((s) => services.set(s[0], s)));
        found.services = [...services.values()];
      }
      return found;
    }

    return { ready, find, help, serviceInfo, meta: () => index.meta, fold: () => lexicon && lexicon.fold };
  }

  /** A code's prefix as written (AIS of AIS.0014), from its letters' lookup key. */
  function prefixName(code, letters) {
    let taken = '';
    for (const char of code) {
      if (core.foldCode(taken) === letters) break;
      taken += char;
    }
    return taken.replace(/[._-]+$/, '');
  }

  /** A word of the interface from an element's data-word-* attributes, with {name} filled in. */
  function word(form, name, values) {
    const key = `word${name.replace(/(^|-)(\w)/g, (whole, dash, letter) => letter.toUpperCase())}`;
    const text = form.dataset[key] || '';
    return text.replace(/\{(\w+)\}/g, (whole, name_) => (name_ in (values || {}) ? String(values[name_]) : whole));
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

  /** A link with a class and text. */
  function link(href, className, text) {
    const node = element('a', className, text);
    node.href = href;
    return node;
  }

  /** Text with the query's matches wrapped in <mark>, built from text nodes. */
  function marked(tag, className, text, query, fold) {
    const node = element(tag, className);
    let at = 0;
    for (const [start, end] of core.highlight(text, query, fold)) {
      node.append(text.slice(at, start), element('mark', '', text.slice(start, end)));
      at = end;
    }
    node.append(text.slice(at));
    return node;
  }

  /** The address of a page of the site from its path below the root. */
  function pageUrl(form, path) {
    return new URL(path, new URL(form.dataset.root, document.baseURI)).href;
  }

  /** The address of a code's page in this language. */
  function codeUrl(form, meta, code) {
    return pageUrl(form, meta.url.replace('{code}', encodeURIComponent(code)));
  }

  /** The search page's address for a query (and a service). */
  function searchUrl(form, text, service) {
    const url = new URL(form.dataset.searchPage || form.action, document.baseURI);
    url.searchParams.set('q', text);
    if (service) url.searchParams.set('service', service);
    return url.href;
  }

  /** The service names of a document, as one text. */
  function serviceNames(doc) {
    return (doc[6] || []).map((service) => service[1]).join(' · ');
  }

  /** A link to one result: code, HTTP status, service, message with matches marked, snippet. */
  function resultLink(form, index, doc, query) {
    const [code, statuses, messages, snippet, retired] = doc;
    const result = link(codeUrl(form, index.meta(), code), 'search-result');
    result.append(element('span', 'search-result-code', code));
    for (const status of statuses) result.append(element('span', 'search-result-status', word(form, 'status', { status })));
    if (retired) result.append(element('span', 'search-result-retired', word(form, 'retired')));
    const services = serviceNames(doc);
    if (services) result.append(element('span', 'search-result-service', services));
    if (messages.length) result.append(marked('span', 'search-result-message', messages[0], query, index.fold()));
    if (snippet) result.append(marked('span', 'search-result-snippet', snippet, query, index.fold()));
    return result;
  }

  /** The help after a weak search, as a list of [kind, text, href, code] rows. */
  function helpRows(form, index, found) {
    const rows = [];
    if (found.elsewhere) {
      const prefix = found.key.slice(0, found.elsewhere[0].length).toUpperCase();
      rows.push(['elsewhere', word(form, 'help-elsewhere', { prefix, name: found.elsewhere[2] }), found.elsewhere[1]]);
    }
    for (const doc of found.suggestions) rows.push(['code', doc[2][0] || doc[3] || '', codeUrl(form, index.meta(), doc[0]), doc[0]]);
    if (found.prefix) rows.push(['prefix', word(form, 'help-prefix', { prefix: found.prefix.name }), pageUrl(form, found.prefix.page)]);
    for (const service of found.services) {
      if (service[2]) rows.push(['service', word(form, 'help-service', { service: service[1] }), pageUrl(form, service[2])]);
    }
    rows.push(['home', word(form, 'help-home'), pageUrl(form, form.dataset.home || '')]);
    if (found.center) rows.push(['center', word(form, 'help-center', { name: found.center[2] }), found.center[1]]);
    return rows;
  }

  /** The help as a block: what happened, then the closest codes and the other pages, as links. */
  function helpBlock(form, index, found, total, text) {
    const block = element('div', 'search-help');
    const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    block.append(element('p', 'search-help-lead', word(form, total ? 'help-weak' : 'help-none', { q: shown })));
    const rows = helpRows(form, index, found);
    const codes = rows.filter((row) => row[0] === 'code');
    if (codes.length) {
      block.append(element('p', 'search-help-heading', word(form, 'help-closest')));
      const list = element('ul', 'search-help-codes');
      for (const [, message, href, code] of codes) {
        const item = element('li');
        const anchor = link(href, 'search-help-code', code);
        item.append(anchor, ' ', element('span', 'search-help-message', message));
        list.append(item);
      }
      block.append(list);
    }
    const others = element('ul', 'search-help-links');
    for (const [kind, label, href] of rows.filter((row) => row[0] !== 'code')) {
      const item = element('li', `search-help-${kind}`);
      item.append(link(href, '', label));
      others.append(item);
    }
    block.append(others);
    return block;
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

  /** An option of the header popup: a link with the option role. */
  function asOption(node, id) {
    node.id = id;
    node.setAttribute('role', 'option');
    node.setAttribute('aria-selected', 'false');
    node.tabIndex = -1;
    return node;
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
    let last = null; // the result the popup shows, and its text

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

    /** The popup's options: results, the closest codes of a weak search, then "All N results". */
    function optionsFor(result, text) {
      const made = result.docs.map((doc) => resultLink(form, index, doc, result.query));
      const children = [...made];
      if (result.help) {
        const rows = helpRows(form, index, result.help).filter((row) => row[0] === 'code' || row[0] === 'elsewhere');
        const group = element('div', 'search-popup-help');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', word(form, result.total ? 'help-weak' : 'help-none', { q: text }));
        group.dataset.label = group.getAttribute('aria-label');
        for (const [kind, label, href, code] of rows) {
          const anchor = link(href, `search-popup-${kind}`, kind === 'code' ? '' : label);
          if (kind === 'code') anchor.append(element('span', 'search-result-code', code), ' ', element('span', 'search-result-message', label));
          group.append(anchor);
          made.push(anchor);
        }
        if (rows.length) children.push(group);
      }
      const all = link(searchUrl(form, text), 'search-popup-all', result.total ? word(form, 'all', { n: result.total }) : word(form, 'help-more'));
      made.push(all);
      children.push(all);
      made.forEach((option, i) => asOption(option, `${popup.id}-${i}`));
      return { made, children };
    }

    /** Show a search's results in the popup and announce their count. */
    function show(result, text) {
      const { made, children } = optionsFor(result, text);
      options = made;
      last = { result, text };
      popup.replaceChildren(...children);
      status.textContent = countWords(form, result.total);
      select(-1);
      expand(true);
    }

    /** Search for the box's text now; resolve when the popup shows the results. */
    async function update() {
      const mine = ++serial;
      const text = input.value;
      if (!text.trim()) {
        expand(false);
        options = [];
        last = null;
        return;
      }
      try {
        const result = await index.find(text, POPUP_LIMIT);
        if (mine === serial) show(result, text);
      } catch (error) {
        if (mine !== serial) return;
        expand(false);
        options = [];
        last = null;
        status.textContent = word(form, 'failed');
      }
    }
    const later = debounce(update, Number(form.dataset.debounce));

    /** Enter: the selected option; else a code's page if the query is a code; else the full results. */
    async function enter(event) {
      event.preventDefault();
      later.cancel();
      const choice = options[active];
      if (choice) {
        location.assign(choice.href);
        return;
      }
      if (!last || last.text !== input.value) await update();
      const first = last && last.result.docs[0];
      const exact = last && last.result.exact;
      if (first && exact) location.assign(codeUrl(form, index.meta(), first[0])); else form.submit();
    }

    /** Arrows move through the options, Enter opens one, Escape closes the popup. */
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

  /** A URL parameter of the current address. */
  function urlParameter(name) {
    return new URLSearchParams(location.search).get(name) || '';
  }

  /** Put a query into the address: a new history entry (push) or the current one. */
  function writeUrl(text, push) {
    const url = new URL(location.href);
    if (text) url.searchParams.set('q', text); else url.searchParams.delete('q');
    if (url.href !== location.href) history[push ? 'pushState' : 'replaceState']({ q: text }, '', url);
  }

  /** The search page: results of ?q= (and ?service=) in #search-results, the address following the box. */
  function setUpPage(form, list) {
    const input = form.querySelector('input[name="q"]');
    const summary = document.getElementById('search-summary');
    const more = document.getElementById('search-more');
    const helpArea = document.getElementById('search-help');
    const filter = document.getElementById('search-filter');
    const index = indexAt(new URL(form.dataset.index, document.baseURI).href);
    let serial = 0;
    let limit = PAGE_STEP;
    // The first keystroke after a committed query starts a new history entry; the rest replace it.
    let pushNext = true;

    /** Show which service the results are narrowed to, with a link to all services' results. */
    async function showFilter(service, text) {
      filter.replaceChildren();
      filter.hidden = !service;
      if (!service) return;
      await index.ready();
      const info = await index.serviceInfo(service);
      filter.append(element('span', '', word(form, 'only', { service: info ? info[1] : service })), ' ',
        link(searchUrl(form, text), 'search-filter-clear', word(form, 'all-services')));
    }

    /** Search and render the first `limit` results into the list. */
    async function render(text) {
      const mine = ++serial;
      const service = urlParameter('service');
      list.setAttribute('aria-busy', 'true');
      try {
        const [result] = await Promise.all([index.find(text, limit, service), showFilter(service, text)]);
        if (mine !== serial) return;
        list.replaceChildren(...result.docs.map((doc) => {
          const item = element('li');
          item.append(resultLink(form, index, doc, result.query));
          return item;
        }));
        summary.textContent = text.trim() ? countWords(form, result.total) : '';
        more.hidden = result.total <= result.docs.length;
        helpArea.replaceChildren(...(result.help && text.trim() ? [helpBlock(form, index, result.help, result.total, text.trim())] : []));
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
      input.value = urlParameter('q');
      pushNext = true;
      restart(input.value);
    });
    input.value = urlParameter('q');
    if (input.value) restart(input.value);
  }

  /** The 404 page: for a code-like path, the same help as a weak search (closest codes, pages, elsewhere). */
  async function setUpNotFound(area) {
    const input = document.getElementById(area.dataset.input);
    const text = input ? input.value.trim() : '';
    const index = indexAt(new URL(area.dataset.index, document.baseURI).href);
    const query = core.parseQuery(text);
    if (!core.helpCode(query)) return;
    try {
      const found = await index.help(query);
      if (!found.suggestions.length && !found.elsewhere) return;
      area.replaceChildren(helpBlock(area, index, found, 0, text));
      area.hidden = false;
    } catch (error) {
      // Stay with the page's own links.
    }
  }

  /** Start the search forms of the page. */
  function start() {
    document.querySelectorAll('form[data-search-box]').forEach(setUpBox);
    const list = document.getElementById('search-results');
    const form = document.querySelector('form[data-search-page]');
    if (list && form) setUpPage(form, list);
    document.querySelectorAll('[data-search-help]').forEach(setUpNotFound);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
