/* CIDI embed pages: the look the embedder chose in the iframe's address, set on <html> before the page is
   drawn (loaded in <head>, not deferred). ?theme=light (the default, also without scripts), dark, or auto
   (follows the reader's prefers-color-scheme); ?transparent=1 lets the host page's background show through.
   cidi-embed.css reads the attributes; cidi-embed.js reads them again for the interactive chart. */
(function () {
  "use strict";
  var query = new URLSearchParams(location.search);
  var root = document.documentElement;
  var theme = query.get("theme");
  if (theme === "dark" || theme === "auto") root.dataset.theme = theme;
  if (query.get("transparent") === "1") root.dataset.transparent = "";
})();
