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
  function tooltip(handler, event, item, value) {
    if (!tip) { tip = document.createElement("div"); tip.className = "tip"; document.body.appendChild(tip); }
    if (value == null || value === "") { tip.hidden = true; return; }
    tip.textContent = "";
    Object.keys(typeof value === "object" ? value : { "": value }).forEach(function (key) {
      var line = document.createElement("div");
      line.textContent = (key ? key + ": " : "") + (typeof value === "object" ? value[key] : value);
      tip.appendChild(line);
    });
    tip.hidden = false;
    tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + "px";
    tip.style.top = (event.clientY + 12) + "px";
  }
  // On a narrow screen the chart is drawn again at the screen's width, so its text keeps its size
  // (a scaled-down picture would shrink the labels below legibility).
  function fit(view, holder, natural) {
    if (!natural) { postHeight(); return; }
    var drawn = holder.querySelector("svg");
    var overhead = drawn ? Number(drawn.getAttribute("width")) - view.width() : 0;  // axes, legend, padding
    var width = Math.max(140, Math.min(natural, Math.floor(figure.clientWidth - overhead)));
    if (width === view.width()) { postHeight(); return; }
    view.width(width).runAsync().then(postHeight);
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
      interpreter.onload = draw;
      interpreter.onerror = function () { figure.dataset.state = "static"; };
      document.head.appendChild(interpreter);
    };
    script.onerror = function () { figure.dataset.state = "static"; };
    function draw() {
      fetch(figure.dataset.spec).then(function (r) { return r.json(); }).then(function (spec) {
        var holder = document.createElement("div");
        holder.className = "vega";
        var view = new vega.View(vega.parse(spec, themeConfig(), { ast: true }),
          { renderer: "svg", container: holder, hover: true, tooltip: tooltip, expr: vega.expressionInterpreter });
        view.background(background());
        // ?theme=auto: the reader may switch between light and dark while the chart is open
        window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
          view.background(background()).runAsync();
        });
        // the explorer's weights travel in the URL (?w=18,16,16,25,13,12); its chart stamps custom views
        var weights = new URLSearchParams(location.search).get("w");
        var names = (spec.signals || []).map(function (s) { return s.name; }).filter(function (n) { return /^w_/.test(n); });
        if (weights && names.length) {
          weights.split(",").map(Number).forEach(function (v, i) { if (names[i] && v >= 0 && v <= 50) view.signal(names[i], v); });
        }
        return view.runAsync().then(function () {
          var svg = figure.querySelector(":scope > svg");
          var drawn = holder.querySelector("svg");
          if (svg && drawn) {  // the drawing keeps the static picture's name for screen readers
            ["role", "aria-label"].forEach(function (name) { if (svg.hasAttribute(name)) drawn.setAttribute(name, svg.getAttribute(name)); });
          }
          if (svg) svg.replaceWith(holder);
          figure.dataset.state = "interactive";
          fit(view, holder, spec.width);
          window.addEventListener("resize", function () { fit(view, holder, spec.width); });
        });
      }).catch(function () { figure.dataset.state = "static"; });
    }
    document.head.appendChild(script);
  }
  if (figure && figure.dataset.spec) {
    // a shared custom view renders at once, and so does any chart on a narrow screen (see fit)
    if (new URLSearchParams(location.search).get("w") || window.innerWidth < 560) upgrade();
    figure.addEventListener("pointerenter", upgrade, { once: true });
    figure.addEventListener("touchstart", upgrade, { once: true, passive: true });
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
