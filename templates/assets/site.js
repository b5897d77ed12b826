/* errdex site behaviour: language memory, landing redirect, copy link, 404 resolver.
   No inline scripts (the CSP forbids them); words come from data-* attributes. */
'use strict';

(function () {
  var STORAGE_KEY = 'errdex-lang';
  var LANGUAGES = ['zh', 'en'];
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
    location.replace(lang + '/' + location.search + location.hash);
  }

  /** Copy-link button: copies the page's address without the query. */
  function setUpCopyLink() {
    document.querySelectorAll('[data-copy-link]').forEach(function (button) {
      if (!navigator.clipboard) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener('click', function () {
        var address = location.origin + location.pathname + location.hash;
        navigator.clipboard.writeText(address).then(function () {
          button.textContent = button.getAttribute('data-word-copied');
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }, function () { /* permission refused: the address bar still works */ });
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
        var target = basePath + (lang || preferredLanguage('zh')) + '/codes/' + match + '/' + location.hash;
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
    setUpLanguageLinks();
    setUpCopyLink();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
