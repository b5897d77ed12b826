/* errdex site behaviour: language memory, landing redirect, copy buttons, table filters,
   older fragments sent on, a service kept first, 404 resolver.
   No inline scripts (the CSP forbids them); words, languages, id prefixes and path patterns
   come from data-* attributes that the build takes from errdex/urls.py. */
'use strict';

(function () {
  var STORAGE_KEY = 'errdex-lang';
  // The 404 page (shared by every language) names no languages; the others do.
  var LANGUAGES = (document.documentElement.getAttribute('data-languages') || 'zh en').split(' ');
  var CODE_RE = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;

  /** Read the saved language choice, if storage is available. */
  function savedLanguage() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }

  /** Remember a language choice for the landing page. */
  function saveLanguage(lang) {
    try { window.localStorage.setItem(STORAGE_KEY, lang); } catch (e) { /* private mode */ }
  }

  /** The reader's language: saved choice, then the browser's languages, else the default. */
  function preferredLanguage(fallback) {
    var saved = savedLanguage();
    if (LANGUAGES.indexOf(saved) >= 0) return saved;
    var wanted = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < wanted.length; i++) {
      var base = String(wanted[i]).toLowerCase().split('-')[0];
      if (LANGUAGES.indexOf(base) >= 0) return base;
    }
    return fallback;
  }

  /** Language links remember the choice and carry ?q= and #fragment to the other page. */
  function setUpLanguageLinks() {
    document.querySelectorAll('[data-lang-choice]').forEach(function (link) {
      link.addEventListener('click', function () {
        saveLanguage(link.getAttribute('data-lang-choice'));
        if (link.hasAttribute('data-keep-query')) {
          var target = new URL(link.href, location.href);
          target.search = location.search;
          target.hash = location.hash;
          link.href = target.href;
        }
      });
    });
  }

  /** Landing page: go to the reader's language; plain links stay for no-JS readers. */
  function redirectFromLanding(body) {
    var lang = preferredLanguage(body.getAttribute('data-default-lang') || 'zh');
    var home = body.getAttribute('data-home-pattern').replace('{lang}', lang);
    location.replace(home + location.search + location.hash);
  }

  /** The page's address without query or fragment. */
  function pageAddress() {
    return location.origin + location.pathname;
  }

  /** Copy a text; show `copied` on the button for two seconds. */
  function copyText(button, text, copied) {
    var label = button.textContent;
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = copied;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }, function () { /* permission refused: the text is still on the page */ });
  }

  /** Older fragments (#AIS.0014, #message) name ids that now carry a prefix: go to the new one. */
  function followOldFragment(body) {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!id || document.getElementById(id)) return;
    var prefixes = [body.getAttribute('data-row-prefix'), body.getAttribute('data-section-prefix')];
    for (var i = 0; i < prefixes.length; i++) {
      if (prefixes[i] && document.getElementById(prefixes[i] + id)) {
        location.replace('#' + encodeURIComponent(prefixes[i] + id));
        return;
      }
    }
  }

  /** The plain text of the ticket's Markdown: no emphasis, code marks, list marks or fences;
      a link as its address. */
  function plainText(markdown) {
    return markdown.split('\n').filter(function (line) { return !/^\s*```/.test(line); }).map(function (line) {
      return line.replace(/^- /, '').replace(/\*\*|`/g, '').replace(/\[([^\]]*)\]\(([^)]*)\)/g, '$2');
    }).join('\n');
  }

  /** "Copy for ticket" buttons copy their <template>'s Markdown, or its plain text, with the
      page's address in it. */
  function setUpTicketCopy(body) {
    document.querySelectorAll('[data-copy-template]').forEach(function (button) {
      var template = document.getElementById(button.getAttribute('data-copy-template'));
      if (!navigator.clipboard || !template) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        var markdown = template.content.textContent.split('{link}').join(pageAddress());
        var text = button.getAttribute('data-copy-as') === 'markdown' ? markdown : plainText(markdown);
        copyText(button, text, body.getAttribute('data-word-copied'));
      });
    });
  }

  /** A copy button on every code block of the page (examples, notes' commands). */
  function setUpCodeCopy(body) {
    if (!navigator.clipboard) return;
    document.querySelectorAll('main pre').forEach(function (pre) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-code';
      button.textContent = body.getAttribute('data-word-copy');
      button.setAttribute('aria-label', body.getAttribute('data-word-copy-code'));
      button.addEventListener('click', function () {
        copyText(button, pre.textContent, body.getAttribute('data-word-copied'));
      });
      pre.parentNode.insertBefore(button, pre);
    });
  }

  /** A row's "#" link also copies the row's address (and still goes to the row). */
  function setUpRowLinks(body) {
    if (!navigator.clipboard) return;
    document.querySelectorAll('a.self-link').forEach(function (link) {
      link.addEventListener('click', function () {
        copyText(link, pageAddress() + link.getAttribute('href'), '✓');
      });
    });
  }

  /** Filter boxes narrow their table to the rows that hold every word typed (case-blind). */
  function setUpTableFilters() {
    document.querySelectorAll('[data-table-filter]').forEach(function (box) {
      var table = document.getElementById(box.getAttribute('data-table-filter'));
      var input = box.querySelector('input');
      var count = box.querySelector('.filter-count');
      if (!table || !input) return;
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
      box.hidden = false;
      input.addEventListener('input', function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        rows.forEach(function (row, i) {
          var match = words.every(function (word) { return texts[i].indexOf(word) >= 0; });
          row.hidden = !match;
          if (match) shown++;
        });
        count.textContent = words.length ? input.getAttribute('data-word-shown')
          .replace('{n}', shown).replace('{total}', rows.length) : '';
      });
    });
  }

  /** A service's page sends its readers to code pages that show that service's meaning first. */
  function linkWithService(body) {
    var service = body.getAttribute('data-service');
    if (!service) return;
    document.querySelectorAll('table.codes a.code').forEach(function (link) {
      var target = new URL(link.href, location.href);
      target.searchParams.set('service', service);
      link.href = target.href;
    });
  }

  /** On a code used by several services, ?service=… puts that service's section first. */
  function putServiceFirst() {
    var service = new URLSearchParams(location.search).get('service');
    var entries = document.querySelector('.entries');
    if (!service || !entries) return;
    var sections = Array.prototype.slice.call(entries.querySelectorAll(':scope > section.entry'));
    var wanted = sections.filter(function (section) {
      return (section.getAttribute('data-services') || '').split(' ').indexOf(service) >= 0;
    })[0];
    if (wanted && wanted !== sections[0]) entries.insertBefore(wanted, sections[0]);
  }

  /** The printed page names its address, whether or not the site's URL was known at build time. */
  function fillPrintAddress() {
    document.querySelectorAll('[data-print-url]').forEach(function (element) {
      element.textContent = pageAddress();
    });
  }

  /** Copy-link button: copies the page's address without the query. */
  function setUpCopyLink() {
    document.querySelectorAll('[data-copy-link]').forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        copyText(button, pageAddress() + location.hash, button.getAttribute('data-word-copied'));
      });
    });
  }

  /** Fold a code for lookups: case and separators ignored (ais0014 == AIS.0014). */
  function foldCode(text) {
    return String(text).replace(/[\s._-]+/g, '').toLowerCase();
  }

  /** The path below the base path as segments, decoded, without empty ones. */
  function pathSegments(basePath) {
    var path = location.pathname;
    if (path.indexOf(basePath) === 0) path = path.slice(basePath.length);
    return path.split('/').filter(Boolean).map(function (segment) {
      try { return decodeURIComponent(segment); } catch (e) { return segment; }
    });
  }

  /** 404 page: send code-like paths to the code's page, only ever within this site. */
  function resolveNotFound(body) {
    var basePath = body.getAttribute('data-base-path') || '/';
    var segments = pathSegments(basePath);
    var lang = null;
    if (segments.length && LANGUAGES.indexOf(segments[0].toLowerCase()) >= 0) {
      lang = segments.shift().toLowerCase();
    }
    if (segments.length && segments[0].toLowerCase() === 'codes') segments.shift();
    if (segments.length && /^index\.html?$/i.test(segments[segments.length - 1])) segments.pop();
    var wanted = segments.join('.');
    fillSearchBoxes(wanted);
    if (!wanted || segments.length > 2) return;
    fetch(body.getAttribute('data-codes'), { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (codes) {
        var key = foldCode(wanted);
        var match = codes.filter(function (code) { return foldCode(code) === key; })[0];
        if (!match || !CODE_RE.test(match)) return;
        // The code page's path comes from urls.code_path, as data-code-path ("{lang}/codes/{code}/").
        var path = body.getAttribute('data-code-path').replace('{lang}', lang || preferredLanguage('zh'));
        var target = basePath + path.replace('{code}', match) + location.hash;
        body.querySelector('[data-resolving]').hidden = false;
        location.replace(target);
      })
      .catch(function () { /* stay on the helpful page */ });
  }

  /** Put what the reader typed into the 404 page's search boxes. */
  function fillSearchBoxes(text) {
    document.querySelectorAll('[data-fill-from-path]').forEach(function (input) {
      if (!input.value) input.value = text.replace(/[./]+$/, '');
    });
  }

  /** Start what the current page needs. */
  function start() {
    var body = document.body;
    if (body.hasAttribute('data-landing')) redirectFromLanding(body);
    if (body.hasAttribute('data-not-found')) resolveNotFound(body);
    followOldFragment(body);
    window.addEventListener('hashchange', function () { followOldFragment(body); });
    putServiceFirst();
    linkWithService(body);
    setUpLanguageLinks();
    setUpCopyLink();
    setUpTicketCopy(body);
    setUpCodeCopy(body);
    setUpRowLinks(body);
    setUpTableFilters();
    fillPrintAddress();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
