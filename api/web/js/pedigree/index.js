// The family chart of the person page: a chart (pan, zoom, folds) or, on a phone, a
// list of generations; both from one model, with one toolbar and one legend.
import { t } from "../i18n.js";
import { h, s } from "../ui.js";
import { chartView, symbolShapes } from "./chart.js";
import { listView } from "./list.js";
import { family, hiddenBy, initialFolds, normalisePedigree, visible } from "./model.js";

export { normalisePedigree } from "./model.js";

// A family larger than this starts with the sibships far from the direct line folded.
const AUTO_LIMIT = 90;
const NARROW = 700;

function legend() {
  const item = (shapes, label) => h("span", null, s("svg", { width: 22, height: 22, viewBox: "0 0 22 22", "aria-hidden": "true" }, shapes), " ", label);
  const m = (sex, phenotype, dead = false) => ({ sex, phenotype, dead });
  return h("div", { class: "legend", id: "ped-legend" },
    item(symbolShapes(m("1"), 11, 11, 8), t("lg_male")), item(symbolShapes(m("2"), 11, 11, 8), t("lg_female")),
    item(symbolShapes(m("0"), 11, 11, 8), t("lg_sex_unknown")),
    item(symbolShapes(m("2", "carrier"), 11, 11, 8), t("lg_carrier")),
    item(symbolShapes(m("1", "affected"), 11, 11, 8), t("lg_patient")),
    item(symbolShapes(m("2", "suspected"), 11, 11, 8), t("lg_suspected")),
    item(symbolShapes(m("1", null, true), 11, 11, 7), t("lg_deceased")),
    item(s("path", { d: "M2 11H20M7 15l3 -8M11 15l3 -8", stroke: "#b42318", fill: "none" }), t("lg_divorced")),
    item(s("path", { d: "M2 11H20", stroke: "#333", "stroke-dasharray": "2 3" }), t("lg_partners")),
    item(s("path", { d: "M11 2V20", stroke: "#333", "stroke-dasharray": "5 4" }), t("lg_adoptive")),
    item(s("path", { d: "M2 20L14 8m-7 0.5l7 -0.5l-0.5 7", stroke: "#b42318", fill: "none", "stroke-width": 2 }), t("lg_index")));
}

function select(id, label, max, value, onchange) {
  return h("label", { class: "row" }, label, h("select", { id, onchange: (e) => onchange(Number(e.target.value)) },
    Array.from({ length: max + 1 }, (_, n) => h("option", { value: n, selected: n === value }, String(n)))));
}

export function pedigreeView(body, index) {
  const fam = family(normalisePedigree(body, index));
  const g0 = fam.gen.get(fam.index) ?? 0;
  const gens = [...fam.gen.values()];
  const maxUp = Math.max(0, g0 - Math.min(...gens));
  const maxDown = Math.max(0, Math.max(...gens) - g0);
  const view = { folded: initialFolds(fam, AUTO_LIMIT), up: maxUp, down: maxDown,
    mode: window.innerWidth < NARROW ? "list" : "chart" };
  const root = h("div", { class: "ped", id: "ped", "data-members": fam.byPid.size });
  let chart = null;
  let focus = null;

  const toggle = (id) => {
    const next = new Set(view.folded);
    if (next.has(id)) next.delete(id); else next.add(id);
    view.folded = next;
    focus = { pid: fam.unions.get(id).parents[0], scale: chart?.zoom.scale() ?? 1 };
    render();
  };

  function toolbar(shown, hiddenTotal) {
    const mode = (name) => h("button", { type: "button", class: view.mode === name ? "active" : null, "aria-pressed": String(view.mode === name),
      "data-mode": name, onclick: () => { view.mode = name; render(); } }, t(`ped_mode_${name}`));
    const zoomButtons = view.mode === "chart" ? [
      h("button", { type: "button", id: "ped-zoom-in", title: t("ped_zoom_in"), "aria-label": t("ped_zoom_in"), onclick: () => chart.zoom.by(1.25) }, "＋"),
      h("button", { type: "button", id: "ped-zoom-out", title: t("ped_zoom_out"), "aria-label": t("ped_zoom_out"), onclick: () => chart.zoom.by(0.8) }, "－"),
      h("button", { type: "button", id: "ped-fit", onclick: () => chart.zoom.fit() }, t("ped_fit")),
      h("button", { type: "button", id: "ped-centre", onclick: () => chart.zoom.centre() }, t("ped_centre"))] : [];
    return h("div", { class: "ped-toolbar" },
      h("div", { class: "tabs", role: "group" }, mode("chart"), mode("list")),
      select("ped-up", t("ped_up"), maxUp, view.up, (n) => { view.up = n; render(); }),
      select("ped-down", t("ped_down"), maxDown, view.down, (n) => { view.down = n; render(); }),
      h("button", { type: "button", id: "ped-unfold-all", disabled: view.folded.size === 0,
        onclick: () => { view.folded = new Set(); render(); } }, t("ped_unfold_all")),
      h("button", { type: "button", id: "ped-fold-collateral", onclick: () => { view.folded = initialFolds(fam, 0); render(); } }, t("ped_fold_collateral")),
      ...zoomButtons,
      h("span", { class: "muted", id: "ped-count" }, t("ped_shown_n", { shown: shown.size, total: fam.byPid.size }),
        hiddenTotal ? ` ${t("ped_hidden_n", { n: hiddenTotal })}` : ""));
  }

  function render() {
    const shown = visible(fam, view);
    const hidden = hiddenBy(fam, view, shown);
    const body = view.mode === "chart" ? (chart = chartView(fam, shown, view, hidden, toggle, focus)).node
      : (chart = null, listView(fam, shown, hidden, toggle));
    focus = null;
    root.replaceChildren(toolbar(shown, fam.byPid.size - shown.size), body, legend(),
      h("p", { class: "muted" }, t(view.mode === "chart" ? "ped_hint_chart" : "ped_hint_list")));
  }
  render();
  return root;
}
