/* CIDI: progressive enhancement. Every chart is a static SVG first; Vega (served from this site,
   never a CDN) is loaded only when a reader points at a chart, and then replaces the picture with
   the interactive chart (tooltips with exact values). Also: sortable tables. */
(function () {
  "use strict";

  var vegaPromise = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  // Vega, then its expression interpreter (vega-interpreter, beside vega.min.js): Vega's default
  // expression compiler needs eval, which the site's Content-Security-Policy forbids.
  function loadVega(src) {
    if (window.vega && window.vega.expressionInterpreter) return Promise.resolve(window.vega);
    if (!vegaPromise) {
      vegaPromise = loadScript(src).then(function () {
        return loadScript(src.replace(/vega\.min\.js$/, "vega-interpreter.js"));
      }).then(function () { return window.vega; }, function (error) { vegaPromise = null; throw error; });
    }
    return vegaPromise;
  }

  var tooltipEl = null;

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function tooltipHandler(handler, event, item, value) {
    if (!tooltipEl) {
      tooltipEl = document.createElement("div");
      tooltipEl.className = "cidi-tooltip";
      tooltipEl.setAttribute("role", "status");
      document.body.appendChild(tooltipEl);
    }
    if (value == null || value === "") {
      tooltipEl.hidden = true;
      return;
    }
    var rows = typeof value === "object"
      ? Object.keys(value).map(function (key) {
          return "<tr><td>" + escapeHtml(key) + "</td><td><strong>" + escapeHtml(value[key]) + "</strong></td></tr>";
        }).join("")
      : "<tr><td>" + escapeHtml(value) + "</td></tr>";
    tooltipEl.innerHTML = "<table>" + rows + "</table>";
    tooltipEl.hidden = false;
    var x = event.clientX + 12, y = event.clientY + 12;
    var box = tooltipEl.getBoundingClientRect();
    if (x + box.width > window.innerWidth) x = event.clientX - box.width - 12;
    if (y + box.height > window.innerHeight) y = event.clientY - box.height - 12;
    tooltipEl.style.left = x + "px";
    tooltipEl.style.top = y + "px";
  }

  // A chart has a wide and a narrow layout (the page's <picture> shows one by the screen's width);
  // the interactive chart takes the one for its frame's width, drawn again when a resize crosses it.
  function wantsNarrow(figure) {
    var frame = figure.querySelector(".cidi-chart__frame");
    return !!figure.dataset.specNarrow && frame.clientWidth < Number(figure.dataset.narrowBelow || 0);
  }

  // the tooltip of the mark drawn at a point of the screen (the tap that upgraded the chart), if any
  function showAt(point) {
    var element = document.elementFromPoint(point.clientX, point.clientY);
    var item = element && element.__data__;
    if (item && item.tooltip != null) tooltipHandler(null, point, item, item.tooltip);
  }

  // the link of the mark drawn at a point of the screen (a tile map's province), followed: a tap on a tile of a
  // static map opens the province in one tap (a picture's links cannot be followed until it is drawn by Vega)
  function followAt(figure, point) {
    var href = null;  // Vega's drawing: the mark's href; under the tile's label if the tap is on it
    document.elementsFromPoint(point.clientX, point.clientY).some(function (element) {
      var item = figure.contains(element) && element.__data__;
      href = item && item.href;
      return !!href;
    });
    if (!href) return false;
    // relative to the spec's folder, as Vega's loader resolves it (cidi.js gives it that baseURL)
    location.assign(new URL(href, new URL(figure.dataset.spec, location.href)).href);
    return true;
  }

  function draw(figure, narrow) {
    var src = narrow ? figure.dataset.specNarrow : figure.dataset.spec;
    var frame = figure.querySelector(".cidi-chart__frame");
    return Promise.all([
      loadVega(figure.dataset.vega),
      fetch(src).then(function (r) {
        if (!r.ok) throw new Error(src + ": HTTP " + r.status);
        return r.json();
      })
    ]).then(function (results) {
      var vega = results[0], spec = results[1];
      var holder = document.createElement("div");
      holder.className = "cidi-chart__vega";
      // links in a spec (a tile map's provinces) are relative to the spec's folder, as in its static SVG
      var folder = new URL(".", new URL(src, location.href)).href;
      var view = new vega.View(vega.parse(spec, null, { ast: true }), {
        renderer: "svg", container: holder, hover: true, tooltip: tooltipHandler, expr: vega.expressionInterpreter,
        loader: vega.loader({ baseURL: folder })
      });
      // a tap shows a mark's value (Vega's tooltip handler follows hover only); a tap elsewhere hides it
      view.addEventListener("click", function (event, item) {
        tooltipHandler(null, event, item, item && item.tooltip != null ? item.tooltip : null);
      });
      var old = figure.cidiView;
      if (old) {  // a redraw keeps the reader's settings (the explorer's weights)
        (spec.signals || []).forEach(function (s) { if (s.bind) view.signal(s.name, old.signal(s.name)); });
      }
      return view.runAsync().then(function () {
        var svg = holder.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", figure.dataset.label);
        }
        frame.replaceChildren(holder);
        if (old) old.finalize();
        figure.dataset.state = "interactive";
        figure.dataset.layout = narrow ? "narrow" : "wide";
        figure.cidiView = view;
        if (old) figure.dispatchEvent(new CustomEvent("cidi:redrawn", { detail: { view: view } }));
        return view;
      });
    });
  }

  function upgrade(figure) {
    if (figure.dataset.state) return Promise.resolve(figure.cidiView);
    figure.dataset.state = "loading";
    var img = figure.querySelector(".cidi-chart__frame img");
    figure.dataset.label = img ? img.getAttribute("alt") : "";
    return draw(figure, wantsNarrow(figure)).then(function (view) {
      var follow = figure.cidiClick;
      figure.cidiClick = null;
      if (follow && followAt(figure, follow)) return view;
      if (figure.cidiTap) { showAt(figure.cidiTap); figure.cidiTap = null; }
      return view;
    }).catch(function (error) {
      figure.dataset.state = "static";  // keep the static chart; it shows the same data
      if (window.console) console.warn("CIDI chart stays static:", error.message);
    });
  }

  var redrawTimer = null;
  function redrawCrossed() {  // after a resize: charts whose frame crossed their layout's threshold
    document.querySelectorAll('.cidi-chart[data-state="interactive"]').forEach(function (figure) {
      var narrow = wantsNarrow(figure);
      if ((figure.dataset.layout === "narrow") !== narrow) draw(figure, narrow).catch(function () {});
    });
  }

  function enhanceCharts() {
    document.querySelectorAll(".cidi-chart[data-spec]").forEach(function (figure) {
      figure.addEventListener("pointerenter", function () { upgrade(figure); }, { once: true });
      figure.addEventListener("touchstart", function (event) {
        var touch = event.touches[0];
        figure.cidiTap = touch && { clientX: touch.clientX, clientY: touch.clientY };
        upgrade(figure);
      }, { once: true, passive: true });
      figure.addEventListener("click", function (event) {  // a click or tap on the picture, not a swipe over it
        if (!event.target.closest(".cidi-chart__frame")) return;
        if (figure.dataset.state === "interactive") {  // a tap on a tile's label: the tile's link
          if (!(event.target.__data__ && event.target.__data__.href)) followAt(figure, event);
          return;
        }
        figure.cidiClick = { clientX: event.clientX, clientY: event.clientY };
        upgrade(figure);
      });
    });
    document.addEventListener("click", function (event) {  // a tap outside the charts hides the tooltip
      if (tooltipEl && !(event.target.closest && event.target.closest(".cidi-chart__vega"))) tooltipEl.hidden = true;
    });
    window.addEventListener("resize", function () {
      clearTimeout(redrawTimer);
      redrawTimer = setTimeout(redrawCrossed, 200);
    });
  }

  function cellValue(cell) {
    var text = cell.textContent.trim();
    var number = parseFloat(text.replace(/[,\s%]/g, "").replace(/^(over|about)/, ""));
    return isNaN(number) || !/^[\s\d.,%+−-]*$/.test(text.replace(/^(over|about)\s*/, "")) ? text.toLowerCase() : number;
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
          var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() {
    enhanceCharts();
    document.querySelectorAll(".cidi-sortable table").forEach(makeSortable);
    window.CIDI = { upgrade: upgrade, loadVega: loadVega };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  /* The language switch leads to the same view of the page: the explorer's ?w= weights and the
     #anchor travel along (read when the reader reaches for the link, as both change after load). */
  function carryState(event) {
    var link = event.target.closest && event.target.closest("a.cidi-lang-switch");
    if (!link) return;
    link.href = link.href.split(/[?#]/)[0] + location.search + location.hash;
  }
  ["pointerdown", "focusin", "click", "auxclick"].forEach(function (type) {
    document.addEventListener(type, carryState, true);
  });
})();

/* A table wider than the screen scrolls sideways inside the theme's wrapper, which holds nothing focusable
   when the table has no links: make such a wrapper a focusable, named region so keyboard users can scroll
   it (axe: scrollable-region-focusable). Re-checked on resize and when a <details> opens. The label is the
   page's <meta name="cidi:scroll-label"> (in the page's language). */
(function () {
  "use strict";
  if (typeof document$ === "undefined") return;
  document$.subscribe(function () {
    var meta = document.querySelector('meta[name="cidi:scroll-label"]');
    var label = meta ? meta.content : "Table (scrolls sideways)";
    function mark() {
      document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
        var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
        if (scrolls && !wrap.hasAttribute("tabindex")) {
          wrap.tabIndex = 0;
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", label);
        } else if (!scrolls && wrap.getAttribute("role") === "region") {
          wrap.removeAttribute("tabindex");
          wrap.removeAttribute("role");
          wrap.removeAttribute("aria-label");
        }
      });
    }
    mark();
    window.addEventListener("resize", mark);
    document.addEventListener("toggle", mark, true);
  });
})();

/* Code snippets that name the site (the data page's loading snippet): point them at the host the reader is
   on, as the embed codes below do, so a copy made from a mirror or a preview names that host. */
(function () {
  "use strict";
  function init() {
    var script = document.querySelector('script[src$="assets/js/cidi.js"]');
    var meta = document.querySelector('meta[name="cidi:site-url"]');
    if (!script || !meta) return;
    var here = new URL(script.getAttribute("src").replace(/assets\/js\/cidi\.js$/, ""), location.href).href;
    var built = meta.content;
    if (here === built) return;
    document.querySelectorAll(".cidi-snippets code").forEach(function (code) {
      var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeValue.indexOf(built) !== -1) node.nodeValue = node.nodeValue.split(built).join(here);
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

/* Embed codes: point them at the host the reader is on, and copy them with one click. */
(function () {
  "use strict";
  function init() {
    var base = new URL(document.querySelector('script[src$="assets/js/cidi.js"]').getAttribute("src").replace(/assets\/js\/cidi\.js$/, ""), location.href);
    document.querySelectorAll(".cidi-embed__code").forEach(function (pre) {
      var code = pre.querySelector("code");
      code.textContent = code.textContent.replace(/src="[^"]*\/embed\//, 'src="' + base.href + "embed/");
      var button = pre.parentNode.querySelector(".cidi-copy");
      if (!button) return;
      button.addEventListener("click", function () {
        var label = button.textContent;
        var done = function () { button.textContent = button.dataset.copied; setTimeout(function () { button.textContent = label; }, 2000); };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(code.textContent).then(done);
        else {
          var range = document.createRange(); range.selectNodeContents(code);
          var selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
          document.execCommand("copy"); done();
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

})();
