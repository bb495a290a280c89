// A person's residence trajectory: a timeline of places and the moves between them on the
// map of Hainan. One place over time is one row and one point: stays that continue the
// one before (a new household in the same or a nested unit, `continues`) and code
// successions inside a stay (`names`: 三亚市 460200 from 2001, 天涯区 460204 from 2014)
// are renamings, never moves; only a change of place draws an arrow.
import { t } from "./i18n.js";
import { call, listOf } from "./api.js";
import { h, s, pick, table } from "./ui.js";
import { recordsOf } from "./records.js";
import { basemap, cityOf, divisionTable, hainanMap, label, scrollBox, shapeOf, shortName } from "./hainan.js";

const COLOURS = ["#1d5c8c", "#c0392b", "#1e7b34", "#a15c00", "#6c3483", "#117a65", "#7b7d7d", "#b9770e"];
const KIND_STROKE = { registration: { stroke: "#b42318", dash: null }, residence: { stroke: "#1d5c8c", dash: "5 3" } };
let divisions = null;
divisionTable().then((d) => { divisions = d; }).catch(() => { divisions = {}; });

// A division's name; a code no table knows stays a code (digits), and no division at all
// (a person with no residence on record: the API's "unknown") says so.
export function placeName(code) {
  if (!code || code === "unknown") return t("division_unknown");
  return divisions?.[code]?.[0] ?? code;
}

function stays(body) {
  return listOf(body, "periods", "segments", "moves").map((p) => {
    const code = String(pick(p, "division_code", "code") ?? "");
    return { kind: pick(p, "kind") ?? "", code, unit: String(pick(p, "current_code") ?? code),
      name: pick(p, "division_name"), unknown: Boolean(p.district_unknown), continues: Boolean(p.continues),
      separated: Boolean(p.separated), names: Array.isArray(p.names) ? p.names : [],
      from: pick(p, "start", "start_year") ?? "", to: pick(p, "end", "end_year") ?? "", records: pick(p, "records") };
  }).sort((a, b) => String(a.from).localeCompare(String(b.from)));
}

// Stays grouped into places: a stay that continues the one before (same kind) joins its row.
function places(rows) {
  const out = []; const last = {};
  for (const stay of rows) {
    const open = last[stay.kind];
    if (stay.continues && open) open.stays.push(stay);
    else {
      const place = { kind: stay.kind, stays: [stay] };
      out.push(place); last[stay.kind] = place;
    }
  }
  out.forEach((p, i) => { p.n = i + 1; p.colour = COLOURS[i % COLOURS.length]; p.unit = p.stays.at(-1).unit; p.unknown = p.stays.at(-1).unknown; });
  return out;
}

// The names a place went by, oldest first (as recorded), then today's name if it differs,
// and （区不详） for a city whose district is not known.
function placeTitle(place) {
  const seen = [];
  for (const stay of place.stays) {
    const recorded = stay.names.length ? stay.names.map((n) => n.name || placeName(n.code)) : [stay.name || placeName(stay.unit)];
    for (const name of recorded) if (seen.at(-1) !== name) seen.push(name);
  }
  const today = place.stays.at(-1).name || placeName(place.unit);
  let title = seen.join(" → ");
  if (today && seen.at(-1) !== today) title += t("traj_now_named", { name: today });
  return place.unknown ? t("district_unknown_name", { name: title }) : title;
}

function year(date) { return date ? Number(String(date).slice(0, 4)) + (Number(String(date).slice(5, 7)) || 1) / 12 : null; }

function timeline(list) {
  const all = list.flatMap((p) => p.stays);
  const now = new Date().getFullYear() + 1;
  const start = Math.min(...all.map((r) => year(r.from) ?? now));
  const span = Math.max(now - start, 1);
  const W = 760; const rowH = 28; const left = 200;
  const x = (y) => left + ((y - start) / span) * (W - left - 20);
  const svg = s("svg", { class: "chart timeline", id: "timeline", viewBox: `0 0 ${W} ${list.length * rowH + 30}` });
  list.forEach((place, i) => {
    const y = i * rowH;
    svg.append(s("text", { x: 6, y: y + 19, "font-size": 12, class: "place-title", "data-place": place.n }, `${place.n}. ${placeTitle(place)}`));
    for (const stay of place.stays) {
      const a = x(year(stay.from) ?? start); const b = x(year(stay.to) ?? now);
      svg.append(s("rect", { x: a, y: y + 7, width: Math.max(b - a, 3), height: 16, rx: 3, fill: place.colour, opacity: 0.85,
        class: `stay ${stay.kind}` }, s("title", null, `${stay.from} – ${stay.to || t("now")}`)));
      for (const n of stay.names.slice(1)) {
        const at = x(year(n.since ?? n.since_year) ?? start);
        svg.append(s("line", { x1: at, x2: at, y1: y + 4, y2: y + 26, stroke: "#1f2933", "stroke-width": 2, class: "renaming" },
          s("title", null, t("traj_renamed", { year: String(n.since ?? n.since_year ?? ""), name: n.name || placeName(n.code) }))));
      }
    }
  });
  for (let y = Math.ceil(start / 10) * 10; y <= now; y += 10) {
    svg.append(s("text", { x: x(y), y: list.length * rowH + 22, "font-size": 10, "text-anchor": "middle", fill: "#5f6c7b" }, String(y)));
  }
  return svg;
}

// Where a place sits on the map: its unit's label point (a city whose district is not
// known: the city's), or null when the map has no shape for it (outside Hainan).
function pointOf(map, place) {
  const unit = String(place.unit || "");
  const shape = shapeOf(map, unit) || (place.unknown ? map.cities[cityOf(map, unit)] : null);
  return shape ? shape.label : null;
}

function arc(a, b) {
  const dx = b[0] - a[0]; const dy = b[1] - a[1]; const len = Math.hypot(dx, dy) || 1;
  const c = [(a[0] + b[0]) / 2 - dy * 0.2, (a[1] + b[1]) / 2 + dx * 0.2];
  const back = Math.hypot(b[0] - c[0], b[1] - c[1]) || 1;
  const end = [b[0] - ((b[0] - c[0]) / back) * 9, b[1] - ((b[1] - c[1]) / back) * 9];
  return len < 1 ? null : `M${a[0]} ${a[1]}Q${c[0].toFixed(1)} ${c[1].toFixed(1)} ${end[0].toFixed(1)} ${end[1].toFixed(1)}`;
}

function map(list, geo) {
  const svg = s("svg", { class: "chart map", id: "map", viewBox: `0 0 ${geo.width} ${geo.height}`, role: "img", "aria-label": t("trajectory") },
    s("defs", null, ...Object.entries(KIND_STROKE).map(([kind, k]) => s("marker", { id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: 2, refY: 5,
      markerWidth: 4, markerHeight: 4, markerUnits: "strokeWidth", orient: "auto" }, s("path", { d: "M0 0L10 5L0 10Z", fill: k.stroke })))),
    ...basemap(geo, { names: (code) => placeName(code) }));
  const located = list.map((p) => ({ place: p, at: pointOf(geo, p) }));
  for (const { place } of located.filter((l) => l.at && l.place.unknown)) {
    const city = geo.cities[cityOf(geo, place.unit)];
    if (city) svg.append(s("path", { d: city.d, fill: "none", stroke: place.colour, "stroke-width": 1.4, "stroke-dasharray": "4 3", class: "district-unknown" }));
  }
  // A move: the next place of the same kind, drawn from the one before it.
  const lastOf = {};
  for (const l of located) {
    const before = lastOf[l.place.kind];
    const k = KIND_STROKE[l.place.kind] || KIND_STROKE.registration;
    const d = before?.at && l.at ? arc(before.at, l.at) : null;
    if (d) {
      svg.append(s("path", { d, fill: "none", stroke: k.stroke, "stroke-width": 2, "stroke-dasharray": k.dash,
        "marker-end": `url(#arrow-${l.place.kind})`, class: `move ${l.place.kind}`, "data-from": before.place.n, "data-to": l.place.n }));
    }
    lastOf[l.place.kind] = l;
  }
  const shown = new Set();
  for (const { place, at } of located) {
    if (!at) continue;
    const key = at.join(",");
    const offset = shown.has(key) ? 12 : 0; // a place visited again: the next number beside it
    shown.add(key);
    svg.append(s("g", { class: "stop", "data-place": place.n, "data-unit": place.unit },
      s("circle", { cx: at[0] + offset, cy: at[1], r: 8, fill: place.colour, stroke: "#fff", "stroke-width": 1.5 },
        s("title", null, `${place.n}. ${placeTitle(place)}`)),
      s("text", { x: at[0] + offset, y: at[1] + 3.5, "font-size": 10, fill: "#fff", "text-anchor": "middle", "font-weight": 700 }, String(place.n))));
    if (!offset) svg.append(label([at[0], at[1] + 15], shortName(placeName(place.unit)), { code: place.unit, size: 9 }));
  }
  return svg;
}

function note(stay, first) {
  const out = [];
  if (stay.names.length > 1) out.push(t("traj_renamings", { names: stay.names.map((n) => `${n.name || placeName(n.code)}（${String(n.since ?? n.since_year ?? "").slice(0, 4)}）`).join(" → ") }));
  if (stay.continues && !first) out.push(t("traj_continues"));
  if (stay.separated) out.push(t("traj_separated"));
  return out.join("；");
}

// The person's trajectory, its map and the division table, fetched together.
export async function trajectoryData(base) {
  const [body, geo] = await Promise.all([call(`${base}/trajectory`), hainanMap(), divisionTable().then((d) => { divisions = d; })]);
  return { ...body, geo };
}

export function trajectoryCharts(body) {
  const list = places(stays(body));
  const rows = list.flatMap((place) => place.stays.map((stay, i) => ({ ...stay, place, first: i === 0 })));
  return h("div", null, h("div", { class: "traj-timeline map-scroll" }, timeline(list)),
    h("div", { class: "traj-map" }, scrollBox(map(list, body.geo)), h("div", { class: "legend", id: "trajectory-legend" }, t("traj_legend"))),
  table([
    { label: "#", value: (r) => String(r.place.n) },
    { label: t("place"), value: (r) => (r.unknown ? t("district_unknown_name", { name: r.name || placeName(r.unit) }) : r.name || placeName(r.unit)) },
    { label: t("from"), value: (r) => r.from }, { label: t("to"), value: (r) => r.to || t("now") },
    { label: t("record_kind"), value: (r) => t(`episode_${r.kind}`) },
    { label: t("traj_note"), value: (r) => note(r, r.first) },
    { label: t("source_records"), value: (r) => recordsOf(r.records, body.pid) },
  ], rows, { rowClass: (r) => (r.continues && !r.first ? "continues" : null) }));
}
