// The review queue: one page at a time, filtered by kind, division and age; each possible
// match shows both persons by name and birth date with the records compared (and, on
// demand, every record of each side by side); conflicting facts show the rows of each
// side. A merge is previewed and confirmed; every decision runs as a job whose progress
// and result the item shows. Unmerge (splitting wrongly fused records off a person) is
// previewed and confirmed the same way.
import { call } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load } from "../ui.js";
import { forgetRecords, personRecords, recordsTable } from "../records.js";
import { pidOf } from "../refs.js";
import { reviewItem } from "./review/items.js";
import { mergeAfterPreview } from "./review/jobs.js";

const PAGE = 20;
const KINDS = ["", "fusion", "possible_match", "ambiguous_newborn", "ambiguous_relative", "conflict",
  "conflict_two_mothers", "conflict_two_fathers", "conflict_underage_marriage",
  "conflict_ancestry_cycle", "conflict_parent_age", "conflict_household_marriage",
  "conflict_stated_marriage"];
const AGES = { "": {}, new7: { newer_than_days: 7 }, new30: { newer_than_days: 30 },
  old7: { older_than_days: 7 }, old30: { older_than_days: 30 } };

function kindLabel(kind) {
  if (!kind) return t("kind_all");
  if (kind === "fusion" || kind === "conflict") return t(`kind_family_${kind}`);
  return t(`review_kind_${kind}`);
}

let divisionList = null;
// Hainan's divisions in force, for the filter: the province, its prefectures and counties.
function divisions() {
  divisionList ??= fetch("/web/divisions.json").then((r) => r.json()).then((table) =>
    Object.entries(table).filter(([code, [, now]]) => code.startsWith("46") && code === now
      && code !== "460000").sort(([a], [b]) => a.localeCompare(b)));
  return divisionList;
}

function select(id, label, options, value, onchange) {
  const input = h("select", { id, onchange: (e) => onchange(e.target.value) },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  return h("label", { class: "field" }, label, input);
}

function filters(state, reload) {
  const set = (name) => (value) => { state[name] = value; state.offset = 0; reload(); };
  const division = select("review-division", t("filter_division"), [["", t("division_all")]],
    state.division, set("division"));
  divisions().then((list) => division.querySelector("select").append(...list.map(([code, [name]]) =>
    h("option", { value: code, translate: "no", selected: code === state.division },
      code.endsWith("00") ? name : `　${name}`)))).catch(() => {});
  return h("form", { class: "inline review-filters", id: "review-filters",
    onsubmit: (e) => { e.preventDefault(); reload(); } },
  select("review-kind", t("filter_kind"), KINDS.map((k) => [k, kindLabel(k)]), state.kind, set("kind")),
  division,
  select("review-age", t("filter_age"), Object.keys(AGES).map((k) => [k, t(k ? `age_${k}` : "age_any")]),
    state.age, set("age")));
}

function pager(state, total, reload) {
  const last = Math.min(state.offset + PAGE, total);
  const prev = h("button", { type: "button", class: "page-prev", disabled: state.offset === 0,
    onclick: () => { state.offset = Math.max(0, state.offset - PAGE); reload(); } }, t("page_prev"));
  const next = h("button", { type: "button", class: "page-next", disabled: last >= total,
    onclick: () => { state.offset += PAGE; reload(); } }, t("page_next"));
  return [prev, h("span", { class: "muted page-of" }, total ? t("page_of",
    { from: state.offset + 1, to: last, total }) : ""), next];
}

function queue(state) {
  const list = h("div", { id: "review-list" });
  const total = h("span", { id: "review-total", class: "muted" });
  const pagers = [h("div", { class: "row pager", id: "review-pager" }),
    h("div", { class: "row pager", id: "review-pager-bottom" })];
  const done = () => {
    total.dataset.n = String(Math.max(0, Number(total.dataset.n || 0) - 1));
    total.textContent = t("reviews_open_n", { n: total.dataset.n });
  };
  // Pages and filters change faster than answers come: only the latest request's answer
  // is shown (an older one arriving last would show another page than the pager's).
  let asked = 0;
  const reload = () => { const mine = ++asked; return load(list, () => call("/v1/reviews", { query: {
    status: "open", kind: state.kind || undefined, division: state.division || undefined,
    ...AGES[state.age], limit: PAGE, offset: state.offset } }), (page) => {
    total.dataset.n = String(page.total);
    total.textContent = t("reviews_open_n", { n: page.total });
    for (const p of pagers) p.replaceChildren(...pager(state, page.total, reload));
    return h("div", null, page.items.map((item) => reviewItem(item, done)));
  }, { isEmpty: (page) => {
    if (page.items.length === 0) {
      total.textContent = t("reviews_open_n", { n: page.total });
      for (const p of pagers) p.replaceChildren(...pager(state, page.total, reload));
    }
    return page.items.length === 0;
  }, emptyText: t("no_reviews"), current: () => mine === asked }); };
  reload();
  return [card(null, filters(state, reload), h("p", null, total)), pagers[0], list, pagers[1]];
}

// Unmerge: the person's source records as checkboxes; the checked ones are split off,
// once the preview of the split is confirmed.
function unmergeCard(prefill) {
  const pid = h("input", { id: "unmerge-pid", required: true, maxlength: 64, placeholder: t("ref_placeholder"), value: prefill || "" });
  const rows = h("div", { id: "unmerge-records" });
  const result = h("div", { id: "unmerge-result" });
  const submit = h("button", { class: "danger", type: "button", id: "unmerge-submit", disabled: true }, t("unmerge_preview"));
  const checked = () => [...rows.querySelectorAll("input.mention:checked")].map((c) => c.value);
  rows.addEventListener("change", () => {
    const n = checked().length; const all = rows.querySelectorAll("input.mention").length;
    submit.disabled = n === 0 || n === all;
    result.replaceChildren(n && n === all ? h("div", { class: "state error" }, t("unmerge_keep_one")) : "");
  });
  let person = null;
  const list = async () => {
    result.replaceChildren();
    submit.disabled = true;
    const body = await load(rows, async () => personRecords(await pidOf(pid.value)),
      (b) => recordsTable(b, { select: true }),
      { isEmpty: (b) => b.items.length === 0 });
    person = body?.pid ?? null;
  };
  submit.addEventListener("click", async () => {
    if (!person) return;
    submit.disabled = true;
    const path = `/v1/persons/${encodeURIComponent(person)}/unmerge`;
    const job = await mergeAfterPreview(result, `${path}/preview`, path, { mentions: checked() }, t("unmerge"),
      { confirmLabel: t("confirm_split") });
    if (job?.status === "succeeded") forgetRecords(person);
    submit.disabled = false;
  });
  const form = h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); list(); } },
    h("label", { class: "field" }, t("pid"), pid), h("button", { type: "submit", id: "unmerge-list" }, t("list_records")));
  if (prefill) setTimeout(list, 0);
  return card(t("unmerge_title"), h("p", { class: "muted" }, t("unmerge_hint")), form, rows,
    h("div", { class: "row" }, submit), result);
}

export function reviewView(main, pid) {
  const state = { kind: "", division: "", age: "", offset: 0 };
  main.append(h("h1", null, t("review_title")), h("p", { class: "muted" }, t("review_hint")),
    ...queue(state), unmergeCard(pid));
}
