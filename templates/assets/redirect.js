/* Redirect pages: go to the new code's page at once, keeping the #fragment.
   Loaded synchronously in <head>, after the meta naming the target and before the
   meta refresh that serves readers without scripts. */
'use strict';
(function () {
  var meta = document.querySelector('meta[name="errdex-redirect"]');
  var target = meta && meta.getAttribute('content');
  // Only ever a relative link to a page of this site: the build writes it, never the URL.
  if (target && /^(?:\.\.\/)+[A-Za-z0-9._\/-]+\/$/.test(target)) {
    location.replace(target + location.hash);
  }
})();
