// A person's source records (GET /v1/persons/{pid}/records): on demand, as a table or
// as checkboxes for an unmerge. The route masks the row data for the signed-in role.
import { call } from "./api.js";
import { has, t } from "./i18n.js";
import { h, table, failure, loading } from "./ui.js";

const cache = new Map();

// The person's records, fetched once per page view.
export function personRecords(pid) {
  if (!cache.has(pid)) {
    const p = call(`/v1/persons/${encodeURIComponent(pid)}/records`);
    p.catch(() => cache.delete(pid));
    cache.set(pid, p);
  }
  return cache.get(pid);
}

export function forgetRecords(pid) { cache.delete(pid); }

const PARTIES = ["husband", "wife", "child", "mother", "father", "person", "relative", "woman"];

// "wife_id_number" -> "妻子 身份证号"; a field the catalogue names whole keeps its own
// label ("child_order" is the permit's child number, not the child's "order").
export function fieldLabel(name) {
  if (has(`f_${name}`)) return t(`f_${name}`);
  const party = PARTIES.find((p) => name.startsWith(`${p}_`));
  const base = party ? name.slice(party.length + 1) : name;
  const label = t(`f_${base}`);
  return party ? `${t(`party_${party}`)}${label}` : label;
}

// A feed and a source department by name ("出生登记 · 出生医学证明平台").
export function feedText(feed) {
  return t(`kind_${feed}`);
}

export function sourceText(source) {
  return t(`src_${source}`);
}

// Columns whose values are codes, and the catalogue prefix that names them.
const CODED = { sex: "sex", ethnicity: "eth", hukou_type: "hukou", marital_status: "marital",
  relation_to_head: "rel", relation: "rel", deregistered_reason: "dereg", event: "mevent",
  conclusion: "screen", status: "preg", type: "cert", category: "dis", result: "dxresult",
  condition: "cond" };

// A row's value as an officer reads it: codes named (女, 母亲, 迁出), the rest as given.
export function valueText(field, value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  const party = PARTIES.find((p) => field.startsWith(`${p}_`));
  const base = party ? field.slice(party.length + 1) : field;
  if (base === "grade") return t("dis_grade_n", { n: value });
  if (base === "plurality") return t("plurality_n", { n: value });
  return CODED[base] ? t(`${CODED[base]}_${value}`) : String(value);
}

// Values that are identifiers or free text from the departments (kept as they are).
const VERBATIM = new Set(["id_number", "name", "former_name", "address", "household_id", "dwelling_id",
  "certificate_no", "employer_code", "employer_name", "hospital", "institution", "division_code",
  "alpha_genotype", "beta_genotype", "icd10", "method", "cause"]);

export function dataList(data) {
  const entries = Object.entries(data || {}).filter(([k, v]) => v !== null && v !== ""
    && !["record_id", "source"].includes(k));
  return h("dl", { class: "facts small" }, entries.map(([k, v]) => {
    const party = PARTIES.find((p) => k.startsWith(`${p}_`));
    const verbatim = VERBATIM.has(party ? k.slice(party.length + 1) : k);
    return [h("dt", null, fieldLabel(k)), h("dd", verbatim ? { translate: "no" } : null, valueText(k, v))];
  }));
}

const columns = () => [
  { label: t("source"), value: (r) => `${feedText(r.feed)} · ${sourceText(r.source)}` },
  { label: t("role"), value: (r) => t(`party_${r.role}`) },
  { label: t("file_line"), value: (r) => h("span", { translate: "no" }, `${r.file ?? "?"}:${r.line ?? "?"}`) },
  { label: t("facts"), value: (r) => h("details", null, h("summary", null, t("record_no"), " ",
    h("span", { translate: "no" }, r.record_id)), dataList(r.data)) },
];

// The records as a table; with `select`, a checkbox column named by the mention id.
export function recordsTable(body, { select = false } = {}) {
  const box = select ? [{ label: t("split_off"), value: (r) => h("input", { type: "checkbox",
    class: "mention", value: r.mention, "aria-label": t("split_off") }) }] : [];
  return table([...box, ...columns()], body.items);
}

// The records behind one fact, on demand: a closed <details> that, when opened, shows
// each key with its feed, role, file and line (keys the person's rows do not hold are
// shown bare).
export function recordsOf(keys, pid) {
  const list = (keys || []).map((k) => (typeof k === "string" ? k : k?.key ?? ""));
  if (!list.length) return "";
  const ul = h("ul", null, list.map((k) => h("li", null, h("code", { translate: "no" }, k))));
  const box = h("details", { class: "records-of" },
    h("summary", null, t("records_n", { n: list.length })), ul);
  let filled = false;
  box.addEventListener("toggle", async () => {
    if (!box.open || filled || !pid) return;
    filled = true;
    ul.replaceChildren(h("li", null, loading()));
    try {
      const byKey = new Map((await personRecords(pid)).items.map((r) => [r.key, r]));
      ul.replaceChildren(...list.map((k) => recordItem(k, byKey.get(k))));
    } catch (err) { ul.replaceChildren(h("li", null, failure(err))); }
  });
  return box;
}

function recordItem(key, rec) {
  if (!rec) return h("li", null, h("code", { translate: "no" }, key));
  return h("li", null, h("details", null, h("summary", null,
    `${feedText(rec.feed)} · ${t(`party_${rec.role}`)} · `, h("span", { translate: "no" }, `${rec.file ?? "?"}:${rec.line ?? "?"}`)),
  dataList(rec.data)));
}
