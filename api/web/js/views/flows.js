// Migration flows (GET /v1/flows) on the real map of Hainan: net migration per unit as a
// diverging choropleth (loss red, gain blue, classes in the legend), the top corridors as
// curved arrows whose width follows the number of moves, numbered as in the corridor
// table. A city standing for records that name only the city (district_unknown: 三亚市
// before its districts) is no place: it is never coloured or drawn, only listed, marked
// （区不详）, and the legend says why.
import { call } from "../api.js";
import { t } from "../i18n.js";
import { h, s, card, load, table } from "../ui.js";
import { basemap, cityOf, divisionTable, hainanMap, label, scrollBox, shapeOf, shortName } from "../hainan.js";
import { exportRows } from "../export.js";

const LOSS = ["#fcd9d2", "#ee8a78", "#c0392b"];
const GAIN = ["#d4e6f4", "#79acd8", "#1d5c8c"];
const NONE = "#eef0ee";
const ZERO = "#f7f7f2";

// A unit's name in the tables: its own, or the city's marked as district unknown.
function unitName(name, unknown) {
  return unknown ? t("district_unknown_name", { name }) : name;
}

// Symmetric class breaks around 0: thirds of the largest |net| (whole numbers).
function classes(values) {
  const top = Math.max(1, ...values.map((v) => Math.abs(v)));
  const cut = [Math.ceil(top / 3), Math.ceil((2 * top) / 3), top];
  const colour = (v) => {
    if (v === undefined) return NONE;
    if (v === 0) return ZERO;
    const i = cut.findIndex((c) => Math.abs(v) <= c);
    return (v > 0 ? GAIN : LOSS)[i < 0 ? 2 : i];
  };
  return { cut, colour };
}

// The quadratic curve from a to b, bent to the right of the direction of travel (so A->B
// and B->A are apart), stopping short of b for the arrowhead.
function curve(a, b) {
  const dx = b[0] - a[0]; const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  const c = [(a[0] + b[0]) / 2 - (dy / len) * len * 0.22, (a[1] + b[1]) / 2 + (dx / len) * len * 0.22];
  const back = Math.hypot(b[0] - c[0], b[1] - c[1]) || 1;
  const end = [b[0] - ((b[0] - c[0]) / back) * 7, b[1] - ((b[1] - c[1]) / back) * 7];
  const mid = [0.25 * a[0] + 0.5 * c[0] + 0.25 * end[0], 0.25 * a[1] + 0.5 * c[1] + 0.25 * end[1]];
  return { d: `M${a[0]} ${a[1]}Q${c[0].toFixed(1)} ${c[1].toFixed(1)} ${end[0].toFixed(1)} ${end[1].toFixed(1)}`, mid };
}

function flowMap(body, map, divisions, unknown) {
  const prefecture = body.level === "prefecture";
  const unitOf = (code) => (prefecture ? cityOf(map, code) : code);
  const net = new Map(body.net.filter((r) => !unknown.has(r.division)).map((r) => [r.division, r]));
  const { cut, colour } = classes([...net.values()].map((r) => r.net));
  const nameOf = (code) => net.get(code)?.name || divisions[code]?.[0] || code;
  const fullName = (code) => {
    const r = net.get(unitOf(code));
    const figure = r ? `${t("net")} ${r.net > 0 ? "+" : ""}${r.net}` : t("map_no_moves");
    return prefecture ? `${nameOf(unitOf(code))}（${nameOf(code)}）：${figure}` : `${nameOf(code)}：${figure}`;
  };
  const width = map.width; const height = map.height;
  const svg = s("svg", { class: "chart map", id: "flow-map", viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": t("flows_map") });
  svg.append(s("defs", null, s("marker", { id: "flow-arrow", viewBox: "0 0 10 10", refX: 2, refY: 5,
    markerWidth: 2.4, markerHeight: 2.4, markerUnits: "strokeWidth", orient: "auto" },
  s("path", { d: "M0 0L10 5L0 10Z", fill: "#243447" }))));
  svg.append(...basemap(map, { fill: (code) => colour(net.get(unitOf(code))?.net),
    names: (code) => fullName(code) }));
  if (prefecture) {
    for (const [code, city] of Object.entries(map.cities)) {
      svg.append(s("path", { d: city.d, fill: "none", stroke: "#4b5563", "stroke-width": 1.2, class: "city-outline", "data-code": code }));
    }
  }
  // Corridors between places (never from or to a unit whose district is unknown).
  const drawn = body.corridors.map((r, i) => ({ ...r, rank: i + 1 }))
    .filter((r) => !unknown.has(r.origin) && !unknown.has(r.destination)
      && shapeOf(map, r.origin) && shapeOf(map, r.destination));
  const top = Math.max(1, ...drawn.map((r) => r.moves));
  const group = s("g", { class: "corridors" });
  for (const r of [...drawn].reverse()) {
    const { d, mid } = curve(shapeOf(map, r.origin).label, shapeOf(map, r.destination).label);
    const w = 1.2 + 4.8 * Math.sqrt(r.moves / top);
    const tip = `${r.rank}. ${r.origin_name} → ${r.destination_name}：${r.moves}`;
    group.append(s("g", { class: "corridor", "data-rank": r.rank, "data-origin": r.origin, "data-destination": r.destination },
      s("path", { d, fill: "none", stroke: "#ffffff", "stroke-width": w + 2, "stroke-opacity": 0.8, "stroke-linecap": "round" }),
      s("path", { d, fill: "none", stroke: "#243447", "stroke-width": w, "stroke-opacity": 0.85, "stroke-linecap": "round",
        "marker-end": "url(#flow-arrow)" }, s("title", null, tip)),
      s("circle", { cx: mid[0], cy: mid[1], r: 6.5, fill: "#ffffff", stroke: "#243447", "stroke-width": 1 }, s("title", null, tip)),
      s("text", { x: mid[0], y: mid[1] + 3, "font-size": 8.5, "text-anchor": "middle", "font-weight": 700, fill: "#243447" }, String(r.rank))));
  }
  svg.append(group);
  // Net figures name the units they colour: prefecture level labels cities once.
  const labelled = prefecture
    ? [...new Set(Object.keys(map.units).map(unitOf))]
    : Object.keys(map.units);
  for (const code of labelled) {
    const shape = shapeOf(map, code);
    if (!shape) continue;
    svg.append(label(shape.label, shortName(nameOf(code)), { code, size: shape.area < 2600 ? 8.5 : 9.5 }));
  }
  return { svg, cut, drawn, top };
}

function legend(cut, unknownRows, hidden) {
  const swatch = (fill) => h("span", { class: "swatch", style: `background:${fill}` });
  // Magnitude classes (lo..hi), empty ones dropped; losses read from the largest down.
  const bands = [[1, cut[0]], [cut[0] + 1, cut[1]], [cut[1] + 1, cut[2]]];
  const text = ([lo, hi], sign) => {
    const [a, b] = sign === "−" ? [hi, lo] : [lo, hi];
    return lo === hi ? `${sign}${lo}` : `${sign}${a}…${sign}${b}`;
  };
  const steps = [
    ...bands.map((band, i) => [LOSS[i], band]).reverse().filter(([, [lo, hi]]) => lo <= hi).map(([fill, band]) => [fill, text(band, "−")]),
    [ZERO, "0"],
    ...bands.map((band, i) => [GAIN[i], band]).filter(([, [lo, hi]]) => lo <= hi).map(([fill, band]) => [fill, text(band, "+")]),
  ];
  return h("div", { class: "legend map-legend", id: "flow-legend" },
    h("div", { class: "legend-title" }, t("legend_net")),
    h("div", { class: "legend-scale" }, steps.map(([fill, caption]) => h("span", { class: "legend-step" }, swatch(fill), caption)),
      h("span", { class: "legend-step" }, swatch(NONE), t("map_no_moves"))),
    h("div", null, h("span", { class: "legend-line" }), t("legend_corridor")),
    unknownRows.length ? h("p", { class: "note", id: "district-unknown-note" }, t("legend_district_unknown", {
      names: unknownRows.map((r) => unitName(r.name, true)).join("、"),
    })) : null,
    hidden ? h("p", { class: "note" }, t("legend_corridors_hidden", { n: hidden })) : null);
}

function corridorTable(rows, unknown) {
  const columns = [
    { label: t("rank"), value: (_, i) => i + 1 },
    { label: t("origin"), value: (r) => unitName(r.origin_name, unknown.has(r.origin)) },
    { label: t("destination"), value: (r) => unitName(r.destination_name, unknown.has(r.destination)) },
    { label: t("moves_n"), value: (r) => r.moves },
  ];
  return h("div", { id: "corridors" }, h("h2", null, t("top_corridors")), table(columns, rows));
}

function netTable(rows) {
  const columns = [
    { label: t("place"), value: (r) => h("span", { "data-division": r.division, "data-district-unknown": r.district_unknown ? "true" : null }, unitName(r.name, r.district_unknown)) },
    { label: t("inflow"), value: (r) => r.inflow },
    { label: t("outflow"), value: (r) => r.outflow },
    { label: t("net"), value: (r) => h("span", { class: r.district_unknown ? "muted" : r.net > 0 ? "gain" : r.net < 0 ? "loss" : null }, `${r.net > 0 ? "+" : ""}${r.net}`) },
  ];
  const plain = columns.map((c, i) => (i === 0 ? { ...c, value: (r) => unitName(r.name, r.district_unknown) } : i === 3 ? { ...c, value: (r) => r.net } : c));
  const ex = exportRows("net-migration", plain, rows);
  return h("div", { id: "net" }, h("div", { class: "row" }, h("h2", null, t("net_migration")), h("span", { class: "spacer" }),
    h("button", { type: "button", id: "export-net-csv", onclick: ex.csv }, t("export_csv"))), table(columns, rows));
}

function result(body, map, divisions) {
  const unknown = new Set(body.net.filter((r) => r.district_unknown).map((r) => r.division));
  const { svg, cut, drawn } = flowMap(body, map, divisions, unknown);
  const hidden = body.corridors.length - drawn.length;
  return h("div", null,
    h("div", { class: "flows-layout" }, h("div", { class: "map-box" }, scrollBox(svg), legend(cut, body.net.filter((r) => r.district_unknown), hidden)),
      corridorTable(body.corridors, unknown)),
    netTable(body.net));
}

export function flowsView(main) {
  const year = new Date().getFullYear();
  const start = h("input", { id: "flows-start", type: "date", required: true, value: `${year - 10}-01-01` });
  const end = h("input", { id: "flows-end", type: "date", required: true, value: `${year}-12-31` });
  const level = h("select", { id: "flows-level" }, ["county", "prefecture"].map((v) => h("option", { value: v }, t(`level_${v}`))));
  const out = h("div", { id: "flows-result" });
  const form = h("form", { class: "inline", id: "flows-form", onsubmit: (e) => {
    e.preventDefault();
    const query = { start: start.value, end: end.value, level: level.value };
    load(out, async () => {
      const [body, map, divisions] = await Promise.all([call("/v1/flows", { query }), hainanMap(), divisionTable()]);
      return { body, map, divisions };
    }, ({ body, map, divisions }) => result(body, map, divisions),
    { isEmpty: ({ body }) => body.od.length === 0, emptyText: t("no_flows") });
  } }, h("label", { class: "field" }, t("from"), start), h("label", { class: "field" }, t("to"), end),
  h("label", { class: "field" }, t("level"), level), h("button", { class: "primary", type: "submit" }, t("show")));
  main.append(h("h1", null, t("flows_title")), card(null, h("p", { class: "muted" }, t("flows_hint")), form), out);
  form.requestSubmit();
}
