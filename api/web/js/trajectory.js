// A person's residence trajectory: a timeline of periods and the moves on a schematic map.
import { t } from "./i18n.js";
import { listOf } from "./api.js";
import { h, s, pick, table } from "./ui.js";
import { recordsOf } from "./records.js";
import { COUNTIES, HEIGHT, WIDTH, basemap, countyOf, project } from "./hainan.js";

const COLOURS = ["#1d5c8c", "#c0392b", "#1e7b34", "#a15c00", "#6c3483", "#117a65", "#7b7d7d", "#b9770e"];
let divisions = null;

async function divisionNames() {
  if (!divisions) divisions = await fetch("/web/divisions.json").then((r) => r.json());
  return divisions;
}
divisionNames().catch(() => { divisions = {}; });

function periods(body) {
  return listOf(body, "periods", "segments", "moves").map((p) => {
    const code = String(pick(p, "division_code", "division.code", "to_division", "code") ?? "");
    const now = String(pick(p, "current_code") ?? code);
    return { code, county: countyOf(now, divisions) || countyOf(code, divisions), name: pick(p, "division_name"),
      from: pick(p, "from_date", "from", "start") ?? "", to: pick(p, "to_date", "to", "end") ?? "",
      kind: pick(p, "kind", "source", "type") ?? "", records: pick(p, "records") };
  }).sort((a, b) => String(a.from).localeCompare(String(b.from)));
}

// A division's name; a code no table knows stays a code (digits), and no division at all
// (a person with no residence on record: the API's "unknown") says so.
export function placeName(code) {
  if (!code || code === "unknown") return t("division_unknown");
  return divisions?.[code]?.[0] ?? COUNTIES[code]?.[0] ?? code;
}

function year(date) { return date ? Number(String(date).slice(0, 4)) + Number(String(date).slice(5, 7) || 1) / 12 : null; }

function timeline(rows) {
  const now = new Date().getFullYear() + 1;
  const start = Math.min(...rows.map((r) => year(r.from) ?? now));
  const span = Math.max(now - start, 1);
  const W = 760; const rowH = 26; const left = 150;
  const x = (y) => left + ((y - start) / span) * (W - left - 20);
  const svg = s("svg", { class: "chart timeline", id: "timeline", viewBox: `0 0 ${W} ${rows.length * rowH + 30}` });
  rows.forEach((r, i) => {
    const a = x(year(r.from) ?? start); const b = x(year(r.to) ?? now);
    svg.append(s("text", { x: 6, y: i * rowH + 18, "font-size": 12 }, r.name || placeName(r.code)),
      s("rect", { x: a, y: i * rowH + 6, width: Math.max(b - a, 3), height: 16, rx: 3,
        fill: COLOURS[i % COLOURS.length], opacity: 0.85 }, s("title", null, `${r.from} – ${r.to || t("now")}`)));
  });
  for (let y = Math.ceil(start / 10) * 10; y <= now; y += 10) {
    svg.append(s("text", { x: x(y), y: rows.length * rowH + 22, "font-size": 10, "text-anchor": "middle", fill: "#5f6c7b" }, String(y)));
  }
  return svg;
}

function map(rows) {
  const svg = s("svg", { class: "chart map", id: "map", viewBox: `0 0 ${WIDTH} ${HEIGHT}`, style: "max-width:520px" }, ...basemap());
  const pts = rows.filter((r) => r.county).map((r) => project(COUNTIES[r.county].slice(1)));
  svg.append(s("defs", null, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" }, s("path", { d: "M0 0L10 5L0 10Z", fill: "#c0392b" }))));
  pts.slice(1).forEach((p, i) => {
    if (p.x !== pts[i].x || p.y !== pts[i].y) svg.append(s("line", { x1: pts[i].x, y1: pts[i].y, x2: p.x, y2: p.y, stroke: "#c0392b", "stroke-width": 2, "marker-end": "url(#arrow)", class: "move" }));
  });
  pts.forEach((p, i) => svg.append(s("circle", { cx: p.x, cy: p.y, r: 7, fill: COLOURS[i % COLOURS.length], stroke: "#fff" }),
    s("text", { x: p.x, y: p.y + 3.5, "font-size": 9, fill: "#fff", "text-anchor": "middle" }, String(i + 1))));
  return svg;
}

export function trajectoryCharts(body) {
  const rows = periods(body);
  return h("div", null, h("div", { class: "grid2" }, h("div", null, timeline(rows)), h("div", null, map(rows))),
    table([
      { label: "#", value: (_, i) => String(i + 1) },
      { label: t("place"), value: (r) => r.name || placeName(r.code) },
      { label: t("from"), value: (r) => r.from }, { label: t("to"), value: (r) => r.to || t("now") },
      { label: t("record_kind"), value: (r) => t(`episode_${r.kind}`) },
      { label: t("source_records"), value: (r) => recordsOf(r.records, body.pid) },
    ], rows));
}
