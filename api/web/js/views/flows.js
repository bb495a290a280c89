// Migration flows (GET /v1/flows): top corridors, net migration per division, and both
// drawn on the Hainan schematic (circles: net gain green / loss red; arrows: corridors).
import { call } from "../api.js";
import { t } from "../i18n.js";
import { h, s, card, load, table } from "../ui.js";
import { COUNTIES, HEIGHT, WIDTH, basemap, project } from "../hainan.js";
import { exportRows } from "../export.js";

// Where a unit sits on the schematic: a county, or the middle of a prefecture's districts.
function position(code) {
  if (COUNTIES[code]) return project(COUNTIES[code].slice(1));
  const inside = Object.entries(COUNTIES).filter(([c]) => c.slice(0, 4) === String(code).slice(0, 4));
  if (!inside.length) return null;
  const mean = (i) => inside.reduce((sum, [, v]) => sum + v[i], 0) / inside.length;
  return project([mean(1), mean(2)]);
}

function netMarks(net) {
  const top = Math.max(1, ...net.map((r) => Math.abs(r.net)));
  return net.filter((r) => r.net !== 0 && position(r.division)).map((r) => {
    const p = position(r.division);
    return s("circle", { cx: p.x, cy: p.y, r: 4 + 16 * Math.sqrt(Math.abs(r.net) / top),
      fill: r.net > 0 ? "#1e7b34" : "#b42318", "fill-opacity": 0.45, stroke: "#fff",
      class: "net", "data-division": r.division }, s("title", null, `${r.name}: ${r.net > 0 ? "+" : ""}${r.net}`));
  });
}

function corridorMarks(corridors) {
  const top = Math.max(1, ...corridors.map((r) => r.moves));
  return corridors.filter((r) => position(r.origin) && position(r.destination)).map((r) => {
    const a = position(r.origin); const b = position(r.destination);
    return s("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#1d5c8c", "stroke-opacity": 0.75,
      "stroke-width": 1 + 5 * (r.moves / top), "marker-end": "url(#flow-arrow)", class: "corridor" },
    s("title", null, `${r.origin_name} → ${r.destination_name}: ${r.moves}`));
  });
}

function flowMap(body) {
  const arrow = s("defs", null, s("marker", { id: "flow-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto" }, s("path", { d: "M0 0L10 5L0 10Z", fill: "#1d5c8c" })));
  return s("svg", { class: "chart map", id: "flow-map", viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img", "aria-label": t("flows_map") }, arrow, ...basemap(), ...netMarks(body.net),
  ...corridorMarks(body.corridors));
}

function corridorTable(rows) {
  const columns = [
    { label: t("rank"), value: (_, i) => i + 1 },
    { label: t("origin"), value: (r) => r.origin_name }, { label: t("destination"), value: (r) => r.destination_name },
    { label: t("moves_n"), value: (r) => r.moves },
  ];
  return h("div", { id: "corridors" }, h("h2", null, t("top_corridors")), table(columns, rows));
}

function netTable(rows) {
  const columns = [
    { label: t("place"), value: (r) => r.name }, { label: t("inflow"), value: (r) => r.inflow },
    { label: t("outflow"), value: (r) => r.outflow },
    { label: t("net"), value: (r) => h("span", { class: r.net > 0 ? "gain" : r.net < 0 ? "loss" : null }, `${r.net > 0 ? "+" : ""}${r.net}`) },
  ];
  const plain = columns.map((c, i) => (i === 3 ? { ...c, value: (r) => r.net } : c));
  const ex = exportRows("net-migration", plain, rows);
  return h("div", { id: "net" }, h("div", { class: "row" }, h("h2", null, t("net_migration")), h("span", { class: "spacer" }),
    h("button", { type: "button", id: "export-net-csv", onclick: ex.csv }, t("export_csv"))), table(columns, rows));
}

function result(body) {
  const legend = h("div", { class: "legend" }, h("span", { class: "gain" }, "● ", t("net_gain")),
    h("span", { class: "loss" }, "● ", t("net_loss")), h("span", null, "→ ", t("corridor")));
  return h("div", null, h("div", { class: "grid2" }, h("div", null, flowMap(body), legend), corridorTable(body.corridors)),
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
    load(out, () => call("/v1/flows", { query: { start: start.value, end: end.value, level: level.value } }), result,
      { isEmpty: (b) => b.od.length === 0, emptyText: t("no_flows") });
  } }, h("label", { class: "field" }, t("from"), start), h("label", { class: "field" }, t("to"), end),
  h("label", { class: "field" }, t("level"), level), h("button", { class: "primary", type: "submit" }, t("show")));
  main.append(h("h1", null, t("flows_title")), card(null, h("p", { class: "muted" }, t("flows_hint")), form), out);
  form.requestSubmit();
}
