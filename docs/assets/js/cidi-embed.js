/* CIDI embed pages: tell the parent page our height (responsive iframes), and replace the static
   SVG with the interactive Vega chart when the reader points at it. No request leaves the site. */
(function () {
  "use strict";
  var id = location.pathname.replace(/\/index\.html$/, "/").split("/").filter(Boolean).pop();

  function postHeight() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: "cidi-embed-height", id: id, height: height }, "*");
    // AMP pages (<amp-iframe resizable>) and hosts that listen for the same message
    window.parent.postMessage({ sentinel: "amp", type: "embed-size", height: height }, "*");
  }
  window.addEventListener("load", postHeight);
  window.addEventListener("resize", postHeight);
  if (window.ResizeObserver) new ResizeObserver(postHeight).observe(document.body);

  var figure = document.getElementById("chart");
  var tip;
  var colon = /^zh/.test(document.documentElement.lang) ? "：" : ": ";  // as the marks' labels say it
  function tooltip(handler, event, item, value) {
    if (!tip) { tip = document.createElement("div"); tip.className = "tip"; document.body.appendChild(tip); }
    if (value == null || value === "") { tip.hidden = true; return; }
    tip.textContent = "";
    Object.keys(typeof value === "object" ? value : { "": value }).forEach(function (key) {
      var line = document.createElement("div");
      line.textContent = (key ? key + colon : "") + (typeof value === "object" ? value[key] : value);
      tip.appendChild(line);
    });
    tip.hidden = false;
    tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + "px";
    tip.style.top = (event.clientY + 12) + "px";
  }
  // The chart has two layouts (the page holds both drawings, switched by CSS on the iframe's width):
  // the interactive chart takes the one for the width it has, and is drawn again when a resize
  // crosses from one to the other, so its text keeps its size.
  function isNarrow() { return window.innerWidth < Number(figure.dataset.narrowBelow || 0); }
  // a tap shows a mark's tooltip (Vega's handler follows the pointer's hover only); a tap elsewhere hides it
  function tapTooltips(view) {
    view.addEventListener("click", function (event, item) {
      tooltip(null, event, item, item && item.tooltip != null ? item.tooltip : null);
    });
  }

  var firstTap = null;
  document.addEventListener("click", function (event) {  // a tap outside the chart hides the tooltip
    if (tip && !(event.target.closest && event.target.closest(".vega"))) tip.hidden = true;
  });
  function showAt(view, point) {  // the tooltip of the mark drawn at a point of the screen, if any
    var element = document.elementFromPoint(point.clientX, point.clientY);
    var item = element && element.__data__;
    if (item && item.tooltip != null) tooltip(null, point, item, item.tooltip);
  }

  // The interactive chart in the page's theme (cidi-embed-theme.js): the CSS recolours its SVG as it
  // does the static one; Vega is given the same background and, for what the spec leaves open, dark ink.
  function dark() {
    var theme = document.documentElement.dataset.theme;
    return theme === "dark" || (theme === "auto" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }
  function themeConfig() {
    if (!dark()) return null;
    var ink = { labelColor: "#e5e7eb", titleColor: "#e5e7eb" };
    return { axis: Object.assign({ gridColor: "#374151", domainColor: "#9ca3af", tickColor: "#9ca3af" }, ink),
             legend: ink, title: { color: "#f3f4f6", subtitleColor: "#d1d5db" }, text: { fill: "#f3f4f6" } };
  }
  function background() {
    return getComputedStyle(document.documentElement).getPropertyValue("--chart-bg").trim() || "#ffffff";
  }

  function upgrade() {
    if (figure.dataset.state) return;
    figure.dataset.state = "loading";
    // Vega, then its expression interpreter: the site's Content-Security-Policy forbids eval
    var script = document.createElement("script");
    script.src = figure.dataset.vega;
    script.onload = function () {
      var interpreter = document.createElement("script");
      interpreter.src = figure.dataset.vega.replace(/vega\.min\.js$/, "vega-interpreter.js");
      interpreter.onload = function () { draw(isNarrow()); };
      interpreter.onerror = function () { figure.dataset.state = "static"; };
      document.head.appendChild(interpreter);
    };
    script.onerror = function () { figure.dataset.state = "static"; };
    var current = null, drawn = null;
    function draw(narrow) {
      drawn = narrow;
      var src = narrow && figure.dataset.specNarrow ? figure.dataset.specNarrow : figure.dataset.spec;
      fetch(src).then(function (r) { return r.json(); }).then(function (spec) {
        var holder = document.createElement("div");
        holder.className = "vega";
        var view = new vega.View(vega.parse(spec, themeConfig(), { ast: true }),
          { renderer: "svg", container: holder, hover: true, tooltip: tooltip, expr: vega.expressionInterpreter });
        view.background(background());
        tapTooltips(view);
        // the explorer's weights travel in the URL (?w=18,16,16,25,13,12); its chart stamps custom views
        var weights = new URLSearchParams(location.search).get("w");
        var names = (spec.signals || []).map(function (s) { return s.name; }).filter(function (n) { return /^w_/.test(n); });
        if (current) names.forEach(function (n) { view.signal(n, current.signal(n)); });  // a redraw keeps the weights
        else if (weights && names.length) {
          weights.split(",").map(Number).forEach(function (v, i) { if (names[i] && v >= 0 && v <= 50) view.signal(names[i], v); });
        }
        return view.runAsync().then(function () {
          var svg = holder.querySelector("svg");
          var picture = figure.querySelector(":scope > .layout svg[aria-label]");
          if (svg) {  // the drawing keeps the static picture's name for screen readers
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", picture ? picture.getAttribute("aria-label") : document.title.split(" · ")[0]);
          }
          // the chart's controls (the explorer's sliders) above it: in an article the iframe is as tall as
          // its chart, and a reader who drags a slider sees the bars move just below it
          var bindings = holder.querySelector(".vega-bindings"), panel = null;
          if (bindings) {
            panel = document.createElement("div");
            panel.className = "vega controls";
            panel.setAttribute("role", "group");
            panel.setAttribute("aria-label", figure.dataset.controlsLabel || "");
            panel.appendChild(bindings);
          }
          figure.querySelectorAll(":scope > .layout, :scope > .vega").forEach(function (old) { old.remove(); });
          figure.insertBefore(holder, figure.firstChild);
          if (panel) figure.insertBefore(panel, holder);
          if (current) current.finalize();
          current = view;
          figure.dataset.state = "interactive";
          figure.dataset.layout = narrow ? "narrow" : "wide";
          postHeight();
          if (firstTap) { showAt(view, firstTap); firstTap = null; }
        });
      }).catch(function () { if (!current) figure.dataset.state = "static"; });
    }
    // ?theme=auto: the reader may switch between light and dark while the chart is open
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
      if (current) current.background(background()).runAsync();
    });
    window.addEventListener("resize", function () {
      if (current && drawn !== isNarrow()) draw(isNarrow());
    });
    document.head.appendChild(script);
  }
  if (figure && figure.dataset.spec) {
    // a shared custom view renders at once; other charts when the reader points at them or taps
    // them (the tap that started it then shows its mark's value, once the chart is drawn)
    if (new URLSearchParams(location.search).get("w")) upgrade();
    figure.addEventListener("pointerenter", function () { upgrade(); }, { once: true });
    figure.addEventListener("touchstart", function (event) {
      var touch = event.touches[0];
      firstTap = touch && { clientX: touch.clientX, clientY: touch.clientY };
      upgrade();
    }, { once: true, passive: true });
  }
})();

/* The explorer's embed: its sliders are the point of it, and a keyboard reader never points at the chart,
   so it turns interactive at once (the ?w= weights are read by the upgrade above). */
(function () {
  "use strict";
  var figure = document.getElementById("chart");
  if (figure && !figure.dataset.state && /\/explorer\.embed\.vg\.json$/.test(figure.dataset.spec || "")) {
    figure.dispatchEvent(new Event("pointerenter"));
  }
})();
