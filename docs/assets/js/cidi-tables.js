/* Tables with priority columns (scripts/cidi/mkdocs_hooks.py): on a narrow screen only the columns a reader
   needs show, and a button under the table shows the others (and hides them again). Without this script every
   column shows and the table scrolls sideways. */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll(".cidi-table--priority").forEach(function (box) {
      var button = box.querySelector(".cidi-table__more");
      if (!button || button.dataset.ready) return;
      button.dataset.ready = "1";
      box.classList.add("cidi-table--collapsed");
      button.hidden = false;
      button.addEventListener("click", function () {
        var collapsed = box.classList.toggle("cidi-table--collapsed");
        button.setAttribute("aria-expanded", collapsed ? "false" : "true");
        button.textContent = collapsed ? button.dataset.more : button.dataset.fewer;
        window.dispatchEvent(new Event("resize"));  /* cidi.js re-checks which tables scroll */
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
