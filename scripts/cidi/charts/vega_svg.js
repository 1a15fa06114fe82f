// Compiles Vega-Lite specs and draws Vega specs as SVG in one long-lived Node.js process (started
// by cidi.charts.render.VegaSVG).
//
// Usage: node vega_svg.js <vega.min.js> <vega-lite.min.js> <fontkit folder> <resvg-js folder> <faces: JSON>
// Reads one JSON object a line on stdin, {"vega": spec}, {"vegalite": spec}, {"measure": Vega-Lite
// spec}, {"outline": svg} or {"raster": svg, "scale": s, "file": path}; writes one a line on stdout,
// in the same order: {"svg": "..."} (with "vega": the compiled spec, for a Vega-Lite one; for an
// outline, the SVG with its text as glyph outlines), {"width": px} for a measure, {"width": px,
// "height": px} for a raster (its RGBA pixels, premultiplied, written to the file), or {"error": "..."}.
//
// Vega lays text out by measuring it on a canvas: here the canvas is a stand-in whose measureText
// shapes the text with fontkit, in the font files the PNGs are drawn with (the faces listed by
// cidi.charts.render.font_faces), choosing a face as CSS does (the first family of the list that
// is installed; the nearest weight, heavier first above 500). Vega caches every width it measures, so
// a long-lived process measures each label once for all charts (vl-convert re-opens the font file
// for every string: most of its drawing time).
"use strict";
const readline = require("readline");
const [vegaPath, vegaLitePath, fontkitPath, resvgPath, facesJSON] = process.argv.slice(2);
const fontkit = require(fontkitPath);
const { Resvg } = require(resvgPath);
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
const weightOf = (name) => WEIGHTS[name] || Number(name) || 400; // a CSS font-weight as a number
const CSS_FONT = /^(?:(italic|oblique|normal) )?(?:(small-caps|normal) )?(?:(\w+) )?([\d.]+)px (.*)$/;

// The faces among named in the style (italic or not), or all of them when none is.
function inStyle(named, style) {
  const styled = named.filter((f) => f.italic === (style === "italic" || style === "oblique"));
  return styled.length ? styled : named;
}

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
      font = open(nearest(inStyle(named, style), weight));
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
const layouts = new Map(); // face|text -> fontkit's layout (in font units: for every size), measured or outlined
function layout(font, text) {
  const key = `${font.postscriptName}|${text}`;
  let laid = layouts.get(key);
  if (!laid) layouts.set(key, (laid = font.layout(text)));
  return laid;
}

function measure(font, text, size) {
  const scale = f32(size / font.unitsPerEm);
  let x = ORIGIN;
  for (const glyph of layout(font, text).positions) x = f32(x + f32(glyph.xAdvance * scale));
  return f32(x - ORIGIN);
}

const context = {
  font: "11px sans-serif",
  measureText(text) {
    const match = CSS_FONT.exec(this.font);
    if (!match) throw new Error(`cannot read the CSS font "${this.font}"`);
    const [, style = "normal", , weightName = "normal", size, families] = match;
    return { width: measure(fontFor(style, weightOf(weightName), families), text, Number(size)) };
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

// The SVG of a Vega spec (its view finalized after).
async function draw(spec) {
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// The width the SVG of a view would have, laid out but not drawn (Vega's headless width: the
// view's width and its padding).
async function widthOf(view) {
  await view.runAsync();
  const padding = view.padding();
  return Math.max(0, view._viewWidth + padding.left + padding.right);
}

// ------------------------------------------------------------------ text as outlines
// The PNGs and cards are rasterised by vl-convert (resvg), which re-reads a font file for every
// <text> it draws: three quarters of a PNG's time. So each <text> is replaced here by the glyph
// outlines of the same faces (a <path>, filled and stroked as the text was), placed as resvg lays
// text out: the font chosen as for measuring, shaped by fontkit with the same features, text-anchor
// applied to each chunk (a tspan with an x or y starts one). tests/test_charts.py compares the pixels.

const INHERITED = ["font-family", "font-size", "font-weight", "font-style", "text-anchor"];
const NOT_PAINT = new Set(["x", "y", "role", "aria-label", "aria-roledescription", "class", ...INHERITED]);
const TEXT_ATTRIBUTES = new Set([...NOT_PAINT, "transform", "fill", "fill-opacity", "opacity", "stroke",
  "stroke-width", "stroke-linejoin", "stroke-opacity"]);
const TSPAN_ATTRIBUTES = new Set(["x", "y", "dx", "dy"]);
const ATTRIBUTE = /([\w:-]+)="([^"]*)"/g;
const TAG = /<(\/?)([A-Za-z][\w:-]*)([^>]*?)(\/?)>/g;
const TSPAN = /^<tspan([^>]*)>([^<]*)<\/tspan>/;
const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g;
const NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

// The inherited font properties below an element: its parent's, with the element's own over them.
function inherit(parent, own) {
  return { ...parent, ...Object.fromEntries(INHERITED.filter((n) => n in own).map((n) => [n, own[n]])) };
}

function attributes(text) {
  const out = {};
  for (const [, name, value] of text.matchAll(ATTRIBUTE)) out[name] = value;
  return out;
}

function unescape(text) {
  return text.replace(ENTITY, (_, hex, dec, name) => (name ? NAMED[name] : String.fromCodePoint(parseInt(hex || dec, hex ? 16 : 10))));
}

function number(value, what) {
  const n = Number(String(value).replace(/px$/, ""));
  if (!Number.isFinite(n)) throw new Error(`text: cannot read ${what}="${value}"`);
  return n;
}

// A character the chosen face lacks (a Chinese name in an English title) is drawn in the first of
// these that has it, at the nearest weight (resvg's own fallback took the first face of any family
// that has it: a serif, regular, in a bold sans title), else in any installed face that has it.
const FALLBACK = ["noto sans cjk sc", "noto sans", "dejavu sans"];
const fallbacks = new Map(); // face|style|weight|code point -> fontkit font
function fontForChar(font, style, weight, cp) {
  if (font.hasGlyphForCodePoint(cp)) return font;
  const key = `${font.postscriptName}|${style}|${weight}|${cp}`;
  if (!fallbacks.has(key)) {
    let found = font;
    for (const family of FALLBACK) {
      const named = faces.filter((f) => f.families.includes(family) && open(f).hasGlyphForCodePoint(cp));
      if (named.length) {
        found = open(nearest(inStyle(named, style), weight));
        break;
      }
    }
    if (found === font) found = open(faces.find((f) => open(f).hasGlyphForCodePoint(cp)) || faces[0]);
    fallbacks.set(key, found);
  }
  return fallbacks.get(key);
}

const LETTER = { moveTo: "m", lineTo: "l", quadraticCurveTo: "q", bezierCurveTo: "c", closePath: "z" };

const outlines = new Map(); // face|glyph id -> the glyph's path commands, in font units
function commandsOf(face, glyph) {
  const key = `${face.postscriptName}|${glyph.id}`;
  let commands = outlines.get(key);
  if (!commands) outlines.set(key, (commands = glyph.path.commands.map((c) => [c.command, c.args])));
  return commands;
}

// A piece of text shaped (a run per face) and outlined from a pen at 0, 0: its path data without the
// first move (relative commands, in hundredths of a pixel rounded from where each point falls, so
// nothing drifts), where that move goes, and the advance. Cached: labels repeat across layouts and charts.
const shaped = new Map();
function shape(text, style, weight, families, size) {
  const key = `${style}|${weight}|${families}|${size}|${text}`;
  if (shaped.has(key)) return shaped.get(key);
  const font = fontFor(style, weight, families);
  const runs = [];
  for (const ch of text) {
    const face = fontForChar(font, style, weight, ch.codePointAt(0));
    if (runs.length && runs[runs.length - 1].face === face) runs[runs.length - 1].text += ch;
    else runs.push({ face, text: ch });
  }
  let advance = 0;
  let d = "";
  let first = null; // the first point, in hundredths
  let cx = 0; // the current point, in hundredths
  let cy = 0;
  let sx = 0; // the start of the current subpath
  let sy = 0;
  let gap = false; // whether the next number, if not negative, needs a space before it
  const put = (n) => {
    d += (gap && n >= 0 ? " " : "") + String(n / 100);
    gap = true;
  };
  for (const run of runs) {
    const scale = size / run.face.unitsPerEm;
    const laid = layout(run.face, run.text);
    laid.glyphs.forEach((glyph, i) => {
      const p = laid.positions[i];
      const ox = advance + p.xOffset * scale;
      const oy = -p.yOffset * scale;
      for (const [command, args] of commandsOf(run.face, glyph)) {
        if (command === "closePath") {
          d += "z";
          gap = false;
          cx = sx;
          cy = sy;
          continue;
        }
        const points = [];
        for (let j = 0; j < args.length; j += 2) {
          points.push([Math.round((ox + args[j] * scale) * 100), Math.round((oy - args[j + 1] * scale) * 100)]);
        }
        if (first === null) {
          first = points[0];
          cx = sx = first[0];
          cy = sy = first[1];
          continue; // the first move is the caller's, absolute
        }
        d += LETTER[command];
        gap = false;
        for (const [x, y] of points) {
          put(x - cx);
          put(y - cy);
        }
        [cx, cy] = points[points.length - 1];
        if (command === "moveTo") [sx, sy] = [cx, cy];
      }
      advance += p.xAdvance * scale;
    });
  }
  const result = { d, first, advance };
  shaped.set(key, result);
  return result;
}

// Path data of a shaped piece with the pen at x, y (y down, as SVG's).
function pathData(piece, x, y) {
  if (piece.first === null) return "";
  return `M${Math.round(x * 100 + piece.first[0]) / 100} ${Math.round(y * 100 + piece.first[1]) / 100}${piece.d}`;
}

function textPath(tag, body, inherited) {
  const own = attributes(tag);
  for (const name of Object.keys(own)) {
    if (!TEXT_ATTRIBUTES.has(name)) throw new Error(`text: the outline drawing does not know the attribute ${name}`);
  }
  const props = inherit(inherited, own);
  const size = number(props["font-size"] || "16", "font-size");
  const weight = weightOf(props["font-weight"] || "normal");
  const style = props["font-style"] || "normal";
  const families = props["font-family"] || "sans-serif";
  const anchor = props["text-anchor"] || "start";
  // the pieces of text, each with the tspan attributes it starts with (none: continues the chunk)
  const pieces = [];
  let rest = body;
  while (rest.length) {
    const match = TSPAN.exec(rest);
    if (match) {
      const at = attributes(match[1]);
      for (const name of Object.keys(at)) {
        if (!TSPAN_ATTRIBUTES.has(name)) throw new Error(`text: the outline drawing does not know the tspan attribute ${name}`);
      }
      pieces.push({ at, text: unescape(match[2]) });
      rest = rest.slice(match[0].length);
    } else {
      const end = rest.indexOf("<");
      if (end === 0) throw new Error(`text: the outline drawing cannot read "${rest.slice(0, 40)}"`);
      pieces.push({ at: {}, text: unescape(end < 0 ? rest : rest.slice(0, end)) });
      rest = end < 0 ? "" : rest.slice(end);
    }
  }
  // whitespace as SVG collapses it (xml:space default): runs of it to one space, none at either end
  const whole = pieces.map((p) => p.text.replace(/[\n\r\t ]+/g, " "));
  whole[0] = whole[0].replace(/^ /, "");
  whole[whole.length - 1] = whole[whole.length - 1].replace(/ $/, "");
  // chunks: a tspan with an x or y starts one (the anchor applies to each); dx, dy move the pen
  let y = number(own.y || 0, "y");
  const chunks = [];
  pieces.forEach((piece, i) => {
    const { at } = piece;
    if ("y" in at) y = number(at.y, "y");
    y += number(at.dy || 0, "dy");
    if ("x" in at || "y" in at || !chunks.length) chunks.push({ x: "x" in at ? number(at.x, "x") : null, pieces: [] });
    chunks[chunks.length - 1].pieces.push({ text: whole[i], dx: number(at.dx || 0, "dx"), y });
  });
  let d = "";
  let end = number(own.x || 0, "x"); // where the previous chunk ended: a chunk without an x starts there
  for (const chunk of chunks) {
    let pen = 0;
    const parts = [];
    for (const piece of chunk.pieces) {
      pen += piece.dx;
      const outlined = shape(piece.text, style, weight, families, size);
      parts.push([pen, piece.y, outlined]);
      pen += outlined.advance;
    }
    const left = (chunk.x === null ? end : chunk.x) + (anchor === "middle" ? -pen / 2 : anchor === "end" ? -pen : 0);
    for (const [px, py, outlined] of parts) d += pathData(outlined, left + px, py);
    end = left + pen;
  }
  const paint = Object.entries(own).filter(([name]) => !NOT_PAINT.has(name)).map(([n, v]) => ` ${n}="${v}"`).join("");
  return d ? `<path${paint} d="${d}"/>` : "";
}

function outline(svg) {
  const stack = [{}];
  let out = "";
  let last = 0;
  TAG.lastIndex = 0;
  let match;
  while ((match = TAG.exec(svg))) {
    const [, closing, name, attrs, selfClosing] = match;
    if (name === "text" && !closing) {
      const end = svg.indexOf("</text>", TAG.lastIndex);
      if (end < 0) throw new Error("text: a <text> without its </text>");
      out += svg.slice(last, match.index) + (selfClosing ? "" : textPath(attrs, svg.slice(TAG.lastIndex, end), stack[stack.length - 1]));
      last = TAG.lastIndex = selfClosing ? TAG.lastIndex : end + "</text>".length;
      continue;
    }
    if (closing) stack.pop();
    else if (!selfClosing) {
      stack.push(inherit(stack[stack.length - 1], attributes(attrs)));
    }
  }
  return out + svg.slice(last);
}

// An SVG rasterised by resvg at ``scale`` (its text as outlines: no font is loaded), its pixels
// written to ``file`` as they are (rows of RGBA), for the caller to encode: no PNG is made here. The
// file is written over, not truncated: its memory pages are reused from one raster to the next.
const fs = require("fs");
const rasterFiles = new Map(); // path -> file descriptor
function raster(svg, scale, file) {
  const image = new Resvg(outline(svg), { font: { loadSystemFonts: false }, fitTo: { mode: "zoom", value: scale } })
    .render();
  if (!rasterFiles.has(file)) rasterFiles.set(file, fs.openSync(file, "r+"));
  const pixels = image.pixels;
  fs.writeSync(rasterFiles.get(file), pixels, 0, pixels.length, 0);
  return { width: image.width, height: image.height };
}

// The last measured spec's view, laid out: most narrow layouts are measured, found as wide as asked
// and then drawn as they are (cidi.charts.render.draw), so that drawing takes this view and its
// compiled spec (as JSON text, the answer's) instead of compiling, parsing and laying it out again.
let measured = null; // {key: the Vega-Lite spec as JSON text, vega: its Vega spec as JSON text, view}
function forget() {
  if (measured) measured.view.finalize();
  measured = null;
}

async function answer(request) {
  if (request.vegalite) {
    const key = JSON.stringify(request.vegalite);
    if (measured && measured.key === key) {
      const { vega: compiled, view } = measured;
      measured = null;
      try {
        return `{"vega":${compiled},"svg":${JSON.stringify(await view.toSVG())}}`;
      } finally {
        view.finalize();
      }
    }
    forget();
    const compiled = JSON.stringify(vegaLite.compile(request.vegalite, { logger: quiet }).spec);
    return `{"vega":${compiled},"svg":${JSON.stringify(await draw(JSON.parse(compiled)))}}`; // drawn from a copy
  }
  forget();
  if (request.measure) {
    const compiled = JSON.stringify(vegaLite.compile(request.measure, { logger: quiet }).spec);
    const view = new vega.View(vega.parse(JSON.parse(compiled)), { renderer: "none" });
    measured = { key: JSON.stringify(request.measure), vega: compiled, view };
    return JSON.stringify({ width: await widthOf(view) });
  }
  if (request.outline) return JSON.stringify({ svg: outline(request.outline) });
  if (request.raster) return JSON.stringify(raster(request.raster, request.scale, request.file));
  return JSON.stringify({ svg: await draw(request.vega) });
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    let text;
    try {
      text = await answer(JSON.parse(line));
    } catch (error) {
      forget();
      text = JSON.stringify({ error: String((error && error.stack) || error) });
    }
    process.stdout.write(text + "\n");
  });
});
