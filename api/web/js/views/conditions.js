// Inherited conditions beyond thalassemia (遗传病): the cascade worklist of an index case
// for a condition of the table, at-risk couples for a recessive condition, and the table
// itself (mode, allele frequencies, sources).
// Route: #/conditions/{cascade|couples|table}/{code}/{ref}.
import { call } from "../api.js";
import { t, language } from "../i18n.js";
import { h, card, load, loading, failure, table, personLink, personName, pct, termText } from "../ui.js";
import { placeName } from "../trajectory.js";
import { exportBar } from "./thalassemia.js";

let tablePromise = null;

// The conditions table, fetched once per page load.
function conditionTable() {
  if (!tablePromise) {
    tablePromise = call("/v1/conditions");
    tablePromise.catch(() => { tablePromise = null; });
  }
  return tablePromise;
}

const conditionName = (c) => (language() === "zh" ? c.name_zh : c.name_en);
const RECESSIVE = new Set(["AR", "XLR"]);

// r as a fraction where it is one (1/2, 1/4 ...).
export function shareText(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return "";
  if (n === 0 || n === 1) return String(n);
  const inv = 1 / n;
  return Math.abs(inv - Math.round(inv)) < 1e-6 ? `1/${Math.round(inv)}` : n.toFixed(3);
}

function resultText(res) {
  if (!res || !res.result) return t("not_tested");
  const when = res.tested_on || res.tested_year;
  return [t(`dxresult_${res.result}`), res.method ? h("span", { class: "muted", translate: "no" }, ` ${res.method}`) : "",
    when ? h("span", { class: "muted" }, ` ${when}`) : ""];
}

function resultPlain(res) {
  if (!res || !res.result) return t("not_tested");
  return [t(`dxresult_${res.result}`), res.method, res.tested_on || res.tested_year].filter(Boolean).join(" ");
}

const residence = (res) => (res && (res.division_name || (res.division && placeName(res.division)))) || t("division_unknown");

function cascadeTable(body) {
  const rows = body.items;
  const columns = [
    { label: t("rank"), value: (r, i) => i + 1 },
    { label: t("relative"), value: (r) => personName(r.person) },
    { label: t("kin_term"), value: (r) => termText(r) },
    { label: t("degree"), value: (r) => r.degree ?? "" },
    { label: t("allele_share"), value: (r) => shareText(r.r) },
    { label: t("carrier_chance"), value: (r) => pct(r.carrier) },
    { label: t("affected_chance"), value: (r) => pct(r.affected) },
    { label: t("estimate_method"), value: (r) => t(`estimate_${r.method}`) },
    { label: t("dx_result"), value: (r) => resultPlain(r.result) },
    { label: t("residence"), value: (r) => residence(r.result) },
  ];
  const shown = columns.map((c, i) => {
    if (i === 1) return { ...c, value: (r) => personLink(r.person) };
    if (i === 8) return { ...c, value: (r) => resultText(r.result) };
    return c;
  });
  const head = h("dl", { class: "facts", id: "cascade-index" },
    h("dt", null, t("index_case")), h("dd", null, personLink(body.index)),
    h("dt", null, t("dx_result")), h("dd", null, resultText(body.index_result)),
    h("dt", null, t("inheritance_mode")), h("dd", null, t(`mode_${body.mode}`)));
  const note = body.fallback ? h("p", { class: "muted", id: "cascade-fallback" }, t(`fallback_${body.fallback}`)) : null;
  return h("div", null, head, note, exportBar(`cascade-${body.condition}`, columns, rows),
    table(shown, rows, { rowClass: (r) => (r.carrier >= 0.999 ? "hl" : null), stack: true }));
}

function couplesTable(body) {
  const rows = body.items;
  const columns = [
    { label: t("husband"), value: (r) => personName(r.husband) },
    { label: t("wife"), value: (r) => personName(r.wife) },
    { label: t("risk_class"), value: (r) => t(`cclass_${r.classification}`) },
    { label: t("affected_child_risk"), value: (r) => (r.classification === "at_risk" ? `${pct(r.probability)} (${r.probability_exact})` : "—") },
    { label: t("husband_result"), value: (r) => resultPlain(r.husband_result) },
    { label: t("wife_result"), value: (r) => resultPlain(r.wife_result) },
    { label: t("pregnancy"), value: (r) => (r.pregnancy_status ? t(`preg_${r.pregnancy_status}`) : t("preg_none")) },
    { label: t("residence"), value: (r) => (r.division ? placeName(r.division) : t("division_unknown")) },
  ];
  const shown = columns.map((c, i) => {
    if (i < 2) return { ...c, value: (r) => personLink(i === 0 ? r.husband : r.wife) };
    if (i === 4 || i === 5) return { ...c, value: (r) => resultText(i === 4 ? r.husband_result : r.wife_result) };
    return c;
  });
  const more = body.total > rows.length ? h("p", { class: "muted" }, t("first_n_of", { n: rows.length, total: body.total })) : null;
  return h("div", null, exportBar(`couples-${body.condition}`, columns, rows), more,
    table(shown, rows, { rowClass: (r) => (r.classification === "at_risk" ? "hl" : null), stack: true }));
}

function conditionSelect(id, list, code) {
  return h("select", { id }, list.map((c) => h("option", { value: c.code, selected: c.code === code },
    `${conditionName(c)} (${t(`mode_${c.mode}`)})`)));
}

async function cascadePanel(box, code, ref) {
  const list = await conditionTable();
  const out = h("div", { id: "condition-cascade-result" });
  const which = conditionSelect("cascade-condition", list, code || list[0]?.code);
  const who = h("input", { id: "condition-index", required: true, maxlength: 64, value: ref || "", placeholder: t("ref_placeholder") });
  const degree = h("select", { id: "condition-degree" }, [1, 2, 3, 4, 5, 6].map((d) => h("option", { value: d, selected: d === 4 }, String(d))));
  const form = h("form", { class: "inline", id: "condition-cascade-form", onsubmit: (e) => {
    e.preventDefault();
    const pid = who.value.trim();
    history.replaceState(null, "", `#/conditions/cascade/${encodeURIComponent(which.value)}/${encodeURIComponent(pid)}`);
    load(out, () => call(`/v1/persons/${encodeURIComponent(pid)}/conditions/${encodeURIComponent(which.value)}/cascade`,
      { query: { max_degree: degree.value } }), cascadeTable,
    { isEmpty: (b) => b.items.length === 0, emptyText: t("no_living_relatives") });
  } }, h("label", { class: "field" }, t("condition"), which), h("label", { class: "field" }, t("index_case"), who),
  h("label", { class: "field" }, t("max_degree"), degree), h("button", { class: "primary", type: "submit" }, t("open_worklist")));
  box.replaceChildren(card(t("condition_cascade_title"), h("p", { class: "muted" }, t("condition_cascade_hint")), form), out);
  if (ref) form.requestSubmit();
}

async function couplesPanel(box, code) {
  const list = (await conditionTable()).filter((c) => RECESSIVE.has(c.mode));
  const out = h("div", { id: "condition-couples-result" });
  const which = conditionSelect("couples-condition", list, code || list[0]?.code);
  const division = h("input", { id: "condition-couples-division", maxlength: 6, size: 8, placeholder: "460100" });
  const since = h("input", { id: "condition-couples-since", type: "date" });
  const form = h("form", { class: "inline", id: "condition-couples-form", onsubmit: (e) => {
    e.preventDefault();
    history.replaceState(null, "", `#/conditions/couples/${encodeURIComponent(which.value)}`);
    load(out, () => call(`/v1/conditions/${encodeURIComponent(which.value)}/couples`,
      { query: { division: division.value.trim(), since: since.value, limit: 200 } }), couplesTable,
    { isEmpty: (b) => b.items.length === 0, emptyText: t("no_couples") });
  } }, h("label", { class: "field" }, t("condition"), which), h("label", { class: "field" }, t("division_code"), division),
  h("label", { class: "field" }, t("since"), since), h("button", { class: "primary", type: "submit" }, t("show")));
  box.replaceChildren(card(t("condition_couples_title"), h("p", { class: "muted" }, t("condition_couples_hint")), form), out);
  form.requestSubmit();
}

function frequencies(c) {
  return Object.entries(c.allele_frequency).map(([group, q]) => `${t(`group_${group}`)} ${pct(q)}`).join("、");
}

async function tablePanel(box) {
  const out = h("div", { id: "condition-table" });
  box.replaceChildren(card(t("condition_table_title"), h("p", { class: "muted" }, t("condition_table_hint")), out));
  load(out, conditionTable, (list) => table([
    { label: t("condition"), value: (c) => conditionName(c) },
    { label: "ICD-10", value: (c) => h("span", { translate: "no" }, c.icd10) },
    { label: t("inheritance_mode"), value: (c) => t(`mode_${c.mode}`) },
    { label: t("allele_frequency"), value: frequencies },
    { label: t("heterozygote_expression"), value: (c) => (c.heterozygote_expression ? t("yes") : t("no")) },
    { label: t("published_source"), value: (c) => h("small", { translate: "no" }, c.source) },
  ], list, { stack: true }), { isEmpty: (list) => list.length === 0 });
}

const PANELS = { cascade: cascadePanel, couples: couplesPanel, table: tablePanel };

export function conditionsView(main, tab = "cascade", code = "", ref = "") {
  const box = h("div", { id: "conditions-panel" });
  const tabs = h("div", { class: "tabs", role: "tablist" }, Object.keys(PANELS).map((name) =>
    h("button", { type: "button", role: "tab", class: name === tab ? "active" : null, "data-tab": name,
      onclick: () => { location.hash = `#/conditions/${name}`; } }, t(`ctab_${name}`))));
  main.append(h("h1", null, t("conditions_title")), tabs, box);
  box.replaceChildren(loading());
  (PANELS[tab] || cascadePanel)(box, code, ref).catch((err) => box.replaceChildren(failure(err)));
}
