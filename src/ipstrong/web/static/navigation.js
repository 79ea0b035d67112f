// The latest click wins: each page a person opens through htmx (a boosted link or form) is numbered as it is asked
// for, and an answer that arrives after a later one was asked for is dropped, not swapped in — a slow dashboard
// must not replace the search page clicked after it. (htmx's own hx-sync would abort the request instead, and log
// each abort as a console error.)
(function () {
  "use strict";
  let latest = 0;
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.boosted) event.detail.xhr.ipsNavigation = ++latest;
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const asked = event.detail.xhr.ipsNavigation;
    if (asked !== undefined && asked !== latest) event.detail.shouldSwap = false;
  });
})();
