/* CIDI: Build your own index (the explorer page only; it needs window.CIDI from cidi.js).

   - The chart turns interactive at once, and its sliders (Vega bindings) move into the page's control
     panel, before the chart: keyboard users reach them with Tab, and the panel stays in view while the
     bars move (CSS: sticky on a phone, beside the chart on a wide screen).
   - The weights live in the address (?w=18,16,16,25,13,12); the share link and the embed code follow them.
   - The status line names the leader and the last by the chart's own custom_rank (exact order, ties
     broken by the published rank), so it always agrees with the bars.
   - Vega points an SVG's paint servers and clip paths at url(<page address>#id); the address changes
     here (history.replaceState), and a reference to another address draws nothing (the legend's colour
     bar vanished after a slider move and on shared links). Every such reference is made same-document. */
(function () {
  "use strict";

  var LOCAL_REF = /url\((["']?)[^)#"']*#([^)"']+)\1\)/g;
  var REF_ATTRIBUTES = ["fill", "stroke", "clip-path", "mask", "filter", "marker-start", "marker-mid", "marker-end"];

  function localRefs(root) {
    REF_ATTRIBUTES.forEach(function (name) {
      root.querySelectorAll("[" + name + '*="url("]').forEach(function (el) {
        var value = el.getAttribute(name), local = value.replace(LOCAL_REF, "url(#$2)");
        if (local !== value) el.setAttribute(name, local);
      });
    });
  }

  function keepRefsLocal(holder) {
    localRefs(holder);
    if (!window.MutationObserver) return;
    new MutationObserver(function () { localRefs(holder); })
      .observe(holder, { subtree: true, childList: true, attributes: true, attributeFilter: REF_ATTRIBUTES });
  }

  function ranked(view) {  // the dataset of the bars: the one whose rows carry custom_rank
    for (var i = 0; i < 10; i++) {
      var rows;
      try { rows = view.data("data_" + i); } catch (e) { continue; }
      if (rows && rows.length && "custom_rank" in rows[0]) return rows;
    }
    return [];
  }

  // On a narrow screen the bars are drawn again for the column's width (no narrower than the tile map
  // below them) and their text is enlarged, so it is not scaled down with a desktop-wide picture.
  var BARS_WIDTH = "concat_0_concat_0_width", BARS_HEIGHT = "concat_0_concat_0_height", TILES_WIDTH = "tiles_width";  // Vega-Lite's names (vconcat in vconcat)
  var TEXT_SIZE = "bars_text_size", NARROW_TEXT = 15;  // the spec's parameter (specs.EXPLORER_TEXT_SIZE)

  function barsFitter(view, frame) {
    var natural, height, tiles, text;
    try {
      natural = view.signal(BARS_WIDTH); height = view.signal(BARS_HEIGHT);
      tiles = view.signal(TILES_WIDTH); text = view.signal(TEXT_SIZE);
    } catch (e) { return function () {}; }
    var svg = function () { return frame.querySelector("svg"); };
    if (!svg() || !natural) return function () {};
    var wide = Number(svg().getAttribute("width"));  // the bars (with their labels) are the widest part
    var running = Promise.resolve();
    return function () {
      var narrow = frame.clientWidth < wide;
      running = running.then(function () {
        var scale = narrow ? NARROW_TEXT / text : 1;  // taller rows for the larger labels
        return view.signal(TEXT_SIZE, text * scale).signal(BARS_HEIGHT, Math.round(height * scale))
          .signal(BARS_WIDTH, natural).resize().runAsync();
      }).then(function () {
        if (!narrow) return;
        // at the natural width the bars are the widest part: their labels' width is the SVG's less the bars'
        var overhead = Number(svg().getAttribute("width")) - natural;
        var target = Math.max(frame.clientWidth, tiles + 2 * view.padding().left);
        var width = Math.max(120, Math.min(natural, Math.floor(target - overhead)));
        return view.signal(BARS_WIDTH, width).resize().runAsync();
      });
    };
  }

  // A slider reached with the keyboard brings the top of the ranking into view, under the panel when the
  // panel is stuck above the chart (narrow screens); dragging one with a finger or the mouse never scrolls.
  function showRanking(panel, frame) {
    var beside = getComputedStyle(panel).gridColumnStart === "2";
    var below = (parseFloat(getComputedStyle(panel).top) || 0) + (beside ? 0 : panel.offsetHeight) + 8;
    var top = frame.getBoundingClientRect().top;
    if (top < below || top > window.innerHeight - 160) window.scrollBy({ top: top - below, behavior: "auto" });
  }

  function init() {
    var root = document.getElementById("cidi-explorer");
    if (!root || !window.CIDI) return;
    var official = root.dataset.official.split(",").map(function (pair) {
      var parts = pair.split(":");
      return { id: parts[0], signal: "w_" + parts[0], weight: Number(parts[1]) };
    });
    var max = Number(root.dataset.max);
    var figure = root.querySelector(".cidi-chart");
    var sliders = root.querySelector(".cidi-explorer__sliders");
    var stamp = root.querySelector(".cidi-explorer__stamp");
    var status = root.querySelector(".cidi-explorer__status");
    var share = root.querySelector('[data-action="share"]');
    var embedCode = figure.querySelector(".cidi-embed__code code");
    var embedLink = figure.querySelector('.cidi-embed a[href*="embed/"]');

    function fromUrl() {
      var w = new URLSearchParams(location.search).get("w");
      if (!w) return null;
      var values = w.split(",").map(Number);
      if (values.length !== official.length ||
          values.some(function (v) { return !(Number.isInteger(v) && v >= 0 && v <= max); })) return null;
      return values;
    }

    function embedFor(query) {  // the embed code and its preview link carry the weights
      var path = /(\/embed\/[^/"?#]+\/)(\?w=[\d,]*)?/;
      if (embedCode) embedCode.textContent = embedCode.textContent.replace(path, "$1" + query);
      if (embedLink) embedLink.setAttribute("href", embedLink.getAttribute("href").replace(/(embed\/[^/?#]+\/)(\?w=[\d,]*)?/, "$1" + query));
    }

    window.CIDI.upgrade(figure).then(function (view) {
      if (!view) return;
      var holder = figure.querySelector(".cidi-chart__vega");
      var bindings = holder && holder.querySelector(".vega-bindings");
      if (bindings && sliders) sliders.appendChild(bindings);
      root.dataset.ready = "true";
      keepRefsLocal(holder);
      var frame = figure.querySelector(".cidi-chart__frame");
      var fit = barsFitter(view, frame), resizing = null;
      fit();
      window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(fit, 150); });
      sliders.addEventListener("focusin", function (event) {
        if (event.target.matches && event.target.matches(":focus-visible")) showRanking(sliders.parentNode, frame);
      });

      var update = function () {
        var values = official.map(function (d) { return view.signal(d.signal); });
        var custom = values.some(function (v, i) { return v !== official[i].weight; });
        stamp.hidden = !custom;
        var query = custom ? "?w=" + values.join(",") : "";
        var params = new URLSearchParams(location.search);
        params.delete("w");
        var rest = params.toString();
        var search = query ? query + (rest ? "&" + rest : "") : (rest ? "?" + rest : "");
        history.replaceState(history.state, "", location.pathname + search + location.hash);
        localRefs(holder);
        share.href = location.pathname + search;
        embedFor(query);
        var rows = ranked(view).slice().sort(function (a, b) { return a.custom_rank - b.custom_rank; });
        if (rows.length) {
          var template = custom ? root.dataset.customText : root.dataset.officialText;
          status.textContent = template.replace("{leader}", rows[0].province)
            .replace("{score}", rows[0].custom.toFixed(2)).replace("{last}", rows[rows.length - 1].province);
        }
      };
      var values = fromUrl();
      if (values) official.forEach(function (d, i) { view.signal(d.signal, values[i]); });
      official.forEach(function (d) { view.addSignalListener(d.signal, function () { view.runAfter(update); }); });
      view.runAsync().then(update);
      root.querySelector('[data-action="reset"]').addEventListener("click", function () {
        official.forEach(function (d) { view.signal(d.signal, d.weight); });
        view.runAsync().then(update);
      });
      ["png", "svg"].forEach(function (type) {
        root.querySelector('[data-action="' + type + '"]').addEventListener("click", function () {
          view.toImageURL(type, type === "png" ? 2 : 1).then(function (href) {
            var link = document.createElement("a");
            link.href = href;
            link.download = (stamp.hidden ? "cidi-index" : "cidi-custom-weights") + "." + type;
            document.body.appendChild(link); link.click(); link.remove();
          });
        });
      });
    });
  }

  // cidi.js sets window.CIDI when the document has been parsed; this file may run before that (defer)
  function start() { if (window.CIDI) init(); else setTimeout(init, 0); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else if (window.CIDI) init();
  else document.addEventListener("DOMContentLoaded", start);
})();
