// Thalassemia: the cascade worklist of an index case, at-risk couples, division summaries.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, table, pick, personOf, personLink, personName, pct, termText } from "../ui.js";
import { exportRows } from "../export.js";
import { placeName } from "../trajectory.js";
import { pidOf } from "../refs.js";

export function exportBar(base, columns, rows) {
  const ex = exportRows(base, columns, rows);
  return h("div", { class: "row" }, h("span", { class: "muted" }, t("rows_n", { n: rows.length })),
    h("span", { class: "spacer" }),
    h("button", { type: "button", id: "export-csv", onclick: ex.csv }, t("export_csv")),
    h("button", { type: "button", id: "export-xls", onclick: ex.xls }, t("export_xls")));
}

const screened = (r) => {
  const status = pick(r, "result.status", "screening_status", "status");
  return status ? t(`screen_${status}`) : t("not_screened");
};
const residence = (r) => pick(r, "result.division_name", "division_name")
  || placeName(pick(r, "result.division", "residence", "division_code", "division")) || "";

function cascadeTable(body) {
  const rows = listOf(body, "worklist", "members", "relatives");
  const columns = [
    { label: t("rank"), value: (r, i) => pick(r, "rank") ?? i + 1 },
    { label: t("relative"), value: (r) => personName(personOf(r)) },
    { label: t("kin_term"), value: (r) => termText(r) },
    { label: t("probability"), value: (r) => pct(pick(r, "probability", "carrier_probability")) },
    { label: t("residence"), value: residence },
    { label: t("screening_status"), value: screened },
  ];
  const shown = columns.map((c, i) => (i === 1 ? { ...c, value: (r) => personLink(personOf(r)) } : c));
  return h("div", null, exportBar("cascade-worklist", columns, rows), table(shown, rows));
}

function couplesTable(body) {
  const rows = [...listOf(body, "couples")].sort((a, b) => prenatal(b) - prenatal(a));
  const more = body.total > rows.length ? h("p", { class: "muted", id: "couples-more" }, t("first_n_of", { n: rows.length, total: body.total })) : null;
  const columns = [
    { label: t("husband"), value: (r) => personName(pick(r, "husband", "a") || {}) },
    { label: t("wife"), value: (r) => personName(pick(r, "wife", "b") || {}) },
    { label: t("risk_class"), value: (r) => t(`class_${pick(r, "classification", "risk_class") ?? ""}`) },
    { label: t("risk"), value: (r) => pct(pick(r, "severe_probability", "risk", "probability")) },
    { label: t("pregnancy"), value: (r) => (pick(r, "pregnancy_status") ? t(`preg_${r.pregnancy_status}`) : t("preg_none")) },
    { label: t("prenatal"), value: (r) => (prenatal(r) ? t("yes") : t("no")) },
    { label: t("residence"), value: residence },
  ];
  return h("div", null, exportBar("at-risk-couples", columns, rows), more,
    table(columns, rows, { rowClass: (r) => (prenatal(r) ? "hl" : null) }));
}

function prenatal(r) {
  return Number(/prenatal/.test(String(pick(r, "worklist") ?? "")));
}

function divisionsTable(body) {
  const rows = listOf(body, "divisions");
  const columns = [
    { label: t("place"), value: (r) => pick(r, "division_name") || placeName(pick(r, "division")) },
    { label: t("index_cases_n"), value: (r) => pick(r, "index_cases") ?? 0 },
    { label: t("relatives_n"), value: (r) => pick(r, "relatives") ?? 0 },
    { label: t("reached_n"), value: (r) => pick(r, "reached") ?? 0 },
    { label: t("screened_n"), value: (r) => pick(r, "screened") ?? 0 },
    { label: t("carriers_n"), value: (r) => pick(r, "carriers_found") ?? 0 },
    { label: t("carrier_rate"), value: (r) => pct(pick(r, "yield_")) },
    { label: t("couples_n"), value: (r) => pick(r, "at_risk_couples") ?? 0 },
    { label: t("genotyping_n"), value: (r) => pick(r, "genotyping_couples") ?? 0 },
    { label: t("partner_screening_n"), value: (r) => pick(r, "partner_screening_couples") ?? 0 },
  ];
  return h("div", null, exportBar("thalassemia-divisions", columns, rows), table(columns, rows));
}

function cascadePanel(box, index) {
  const out = h("div", { id: "cascade-result" });
  const ref = h("input", { id: "cascade-index", required: true, maxlength: 64, value: index || "", placeholder: t("ref_placeholder") });
  const degree = h("select", { id: "cascade-degree" }, [1, 2, 3, 4].map((d) => h("option", { value: d, selected: d === 4 }, String(d))));
  const form = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    load(out, async () => call(`/v1/persons/${encodeURIComponent(await pidOf(ref.value))}/cascade`, { query: { max_degree: degree.value } }),
      cascadeTable, { isEmpty: (b) => listOf(b, "worklist", "members", "relatives").length === 0 });
  } }, h("label", { class: "field" }, t("index_case"), ref), h("label", { class: "field" }, t("max_degree"), degree),
  h("button", { class: "primary", type: "submit" }, t("open_worklist")));
  box.replaceChildren(card(t("cascade_title"), h("p", { class: "muted" }, t("cascade_hint")), form), out);
  if (index) form.requestSubmit();
}

function couplesPanel(box) {
  const out = h("div", { id: "couples-result" });
  const division = h("input", { id: "couples-division", maxlength: 6, size: 8, placeholder: "469027" });
  const since = h("input", { id: "couples-since", type: "date" });
  const which = h("select", { id: "couples-list" }, ["", "prenatal_diagnosis", "partner_screening"].map((v) =>
    h("option", { value: v }, t(`list_${v || "all"}`))));
  const form = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    load(out, () => call("/v1/thalassemia/couples", { query: { division: division.value.trim(), since: since.value, list: which.value, limit: 200 } }),
      couplesTable, { isEmpty: (b) => listOf(b, "couples").length === 0, emptyText: t("no_couples") });
  } }, h("label", { class: "field" }, t("division_code"), division), h("label", { class: "field" }, t("since"), since),
  h("label", { class: "field" }, t("couples_list"), which), h("button", { class: "primary", type: "submit" }, t("show")));
  box.replaceChildren(card(t("couples_title"), h("p", { class: "muted" }, t("couples_hint")), form), out);
  form.requestSubmit();
}

function divisionsPanel(box) {
  const out = h("div", { id: "divisions-result" });
  box.replaceChildren(card(t("divisions_title"), out));
  load(out, () => call("/v1/thalassemia/divisions"), divisionsTable, { isEmpty: (b) => listOf(b, "divisions").length === 0 });
}

const PANELS = { cascade: cascadePanel, couples: couplesPanel, divisions: divisionsPanel };

export function thalassemiaView(main, tab = "cascade", index = "") {
  const box = h("div", { id: "thal-panel" });
  const tabs = h("div", { class: "tabs", role: "tablist" }, Object.keys(PANELS).map((name) =>
    h("button", { type: "button", role: "tab", class: name === tab ? "active" : null, "data-tab": name,
      onclick: () => { location.hash = `#/thalassemia/${name}`; } }, t(`tab_${name}`))));
  main.append(h("h1", null, t("thalassemia_title")), tabs, box);
  (PANELS[tab] || cascadePanel)(box, index);
}
