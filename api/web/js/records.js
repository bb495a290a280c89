// A person's source records (GET /v1/persons/{pid}/records): on demand, as a table or
// as checkboxes for an unmerge. The route masks the row data for the signed-in role.
import { call } from "./api.js";
import { t } from "./i18n.js";
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

// "wife_id_number" -> "妻子 身份证号"; unknown fields keep their name.
export function fieldLabel(name) {
  const party = PARTIES.find((p) => name.startsWith(`${p}_`));
  const base = party ? name.slice(party.length + 1) : name;
  const own = t(`f_${base}`);
  const label = own === `f_${base}` ? base : own;
  return party ? `${t(`party_${party}`)}${label}` : label;
}

function feedText(feed) {
  const text = t(`kind_${feed}`);
  return text === `kind_${feed}` ? feed : text;
}

function dataList(data) {
  const entries = Object.entries(data || {}).filter(([k, v]) => v !== null && v !== ""
    && !["record_id", "source"].includes(k));
  return h("dl", { class: "facts small" }, entries.map(([k, v]) => [h("dt", null, fieldLabel(k)),
    h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))]));
}

const columns = () => [
  { label: t("source"), value: (r) => `${feedText(r.feed)} · ${r.source}` },
  { label: t("role"), value: (r) => t(`party_${r.role}`) },
  { label: t("file_line"), value: (r) => `${r.file ?? "?"}:${r.line ?? "?"}` },
  { label: t("facts"), value: (r) => h("details", null, h("summary", null, r.record_id), dataList(r.data)) },
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
  const ul = h("ul", null, list.map((k) => h("li", null, h("code", null, k))));
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
  if (!rec) return h("li", null, h("code", null, key));
  return h("li", null, h("details", null, h("summary", null,
    `${feedText(rec.feed)} · ${t(`party_${rec.role}`)} · ${rec.file ?? "?"}:${rec.line ?? "?"}`),
  dataList(rec.data)));
}
