// Compiles Vega-Lite specs and draws Vega specs as SVG in one long-lived Node.js process (started
// by cidi.charts.render.VegaSVG).
//
// Usage: node vega_svg.js <vega.min.js> <vega-lite.min.js> <fontkit folder> <faces: JSON>
// Reads one JSON object a line on stdin, {"vega": spec} or {"vegalite": spec}; writes one a line
// on stdout, in the same order: {"svg": "..."} (with "vega": the compiled spec, for a Vega-Lite
// one) or {"error": "..."}.
//
// Vega lays text out by measuring it on a canvas: here the canvas is a stand-in whose measureText
// shapes the text with fontkit, in the font files the PNGs are drawn with (the faces listed by
// cidi.charts.render.font_faces), choosing a face as CSS does (the first family of the list that
// is installed; the nearest weight, heavier first above 500). Vega caches every width it measures, so
// a long-lived process measures each label once for all charts (vl-convert re-opens the font file
// for every string: most of its drawing time).
"use strict";
const readline = require("readline");
const [vegaPath, vegaLitePath, fontkitPath, facesJSON] = process.argv.slice(2);
const fontkit = require(fontkitPath);
const faces = JSON.parse(facesJSON); // [{path, postscript, families (lower case), weight, italic}]
const GENERIC = { "sans-serif": ["liberation sans", "dejavu sans", "noto sans"] }; // vl-convert's is Liberation Sans

const opened = new Map(); // path|postscript name -> fontkit font
function open(face) {
  const key = `${face.path}|${face.postscript}`;
  if (!opened.has(key)) {
    const font = fontkit.openSync(face.path);
    opened.set(key, font.fonts ? font.fonts.find((f) => f.postscriptName === face.postscript) : font);
  }
  return opened.get(key);
}

const WEIGHTS = { normal: 400, bold: 700, lighter: 300, bolder: 700 };
const CSS_FONT = /^(?:(italic|oblique|normal) )?(?:(small-caps|normal) )?(?:(\w+) )?([\d.]+)px (.*)$/;

function nearest(candidates, weight) {
  // CSS font matching on weight: the exact one; from 400 to 500, heavier up to 500, then lighter,
  // then heavier; below 400 lighter first; above 500 heavier first (600 takes the bold face).
  const exact = candidates.find((f) => f.weight === weight);
  if (exact) return exact;
  const ascending = candidates.slice().sort((a, b) => a.weight - b.weight);
  const lighter = ascending.filter((f) => f.weight < weight).reverse(); // the nearest first
  const heavier = ascending.filter((f) => f.weight > weight);
  if (weight >= 400 && weight <= 500) return heavier.filter((f) => f.weight <= 500)[0] || lighter[0] || heavier[0];
  return weight < 400 ? lighter[0] || heavier[0] : heavier[0] || lighter[0];
}

const chosen = new Map(); // CSS font string without the size -> fontkit font
function fontFor(style, weight, families) {
  const key = `${style}|${weight}|${families}`;
  if (!chosen.has(key)) {
    let font = null;
    const names = families.split(",").map((f) => f.trim().replace(/^["']|["']$/g, "").toLowerCase());
    for (const family of names.flatMap((name) => GENERIC[name] || [name])) {
      const named = faces.filter((f) => f.families.includes(family));
      if (!named.length) continue;
      const styled = named.filter((f) => f.italic === (style === "italic" || style === "oblique"));
      font = open(nearest(styled.length ? styled : named, weight));
      break;
    }
    if (!font) throw new Error(`no installed font for "${families}"`);
    chosen.set(key, font);
  }
  return chosen.get(key);
}

// The PNGs are drawn by vl-convert (resvg), which lays text out glyph by glyph in 32-bit floats.
// Summed that way from ORIGIN, the widths are vl-convert's to the last bit for every label of the
// site (so are the SVGs), and within a thousandth of a pixel for any text (tests/test_charts.py).
const f32 = Math.fround;
const ORIGIN = 20;
function measure(font, text, size) {
  const scale = f32(size / font.unitsPerEm);
  let x = ORIGIN;
  for (const glyph of font.layout(text).positions) x = f32(x + f32(glyph.xAdvance * scale));
  return f32(x - ORIGIN);
}

const context = {
  font: "11px sans-serif",
  measureText(text) {
    const match = CSS_FONT.exec(this.font);
    if (!match) throw new Error(`cannot read the CSS font "${this.font}"`);
    const [, style = "normal", , weightName = "normal", size, families] = match;
    const weight = WEIGHTS[weightName] || Number(weightName) || 400;
    const font = fontFor(style, weight, families);
    return { width: measure(font, text, Number(size)) };
  },
};

// Vega takes its measuring canvas from `document` once, as it loads; nothing else of it sees one.
global.document = { createElement: () => ({ getContext: () => context }) };
const vega = require(vegaPath);
delete global.document;

// Vega-Lite's browser build, given this Vega (its one import): the compiler vl-convert bundles,
// the same Vega specs to the byte (tests/test_charts.py). Its warnings are vl-convert's: not shown.
const vegaLite = (() => {
  const module = { exports: {} };
  const source = require("fs").readFileSync(vegaLitePath, "utf8");
  new Function("exports", "require", "module", source)(module.exports, (name) => {
    if (name !== "vega") throw new Error(`vega-lite asks for ${name}`);
    return vega;
  }, module);
  return module.exports;
})();
const quiet = { level() { return this; }, error() { return this; }, warn() { return this; }, info() { return this; },
  debug() { return this; } };

async function draw(spec) {
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let answer;
    try {
      const request = JSON.parse(line);
      if (request.vegalite) {
        const compiled = vegaLite.compile(request.vegalite, { logger: quiet }).spec;
        answer = { vega: compiled, svg: await draw(JSON.parse(JSON.stringify(compiled))) }; // drawn from a copy
      } else {
        answer = { svg: await draw(request.vega) };
      }
    } catch (error) {
      answer = { error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
});
