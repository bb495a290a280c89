// At-risk couples: the prenatal-diagnosis list (a pregnancy registered or possible), partner
// screening and counselling, a page at a time; both spouses open their person pages; the
// division is picked by its name.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, load, pick, personLink, pct, card } from "../ui.js";
import { labelled } from "../cards.js";
import { exportRows } from "../export.js";
import { useStyle } from "../styles.js";

const PAGE = 50;
const LISTS = ["", "prenatal_diagnosis", "partner_screening", "counselling"];
let places = null; // [{code, name}] of today's counties and prefectures, from /web/divisions.json

async function divisionChoices() {
  if (!places) {
    const all = await fetch("/web/divisions.json").then((r) => r.json());
    places = Object.entries(all)
      .filter(([code, [, current]]) => code === current && code.startsWith("46") && code !== "460000")
      .map(([code, [name]]) => ({ code, name }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }
  return places;
}

// A typed division: a name from the list (or part of one), or a six-digit code.
function resolve(text) {
  const typed = text.trim();
  if (!typed) return { code: "", name: "" };
  if (/^\d{6}$/.test(typed)) return { code: typed, name: (places || []).find((p) => p.code === typed)?.name ?? typed };
  const exact = (places || []).find((p) => p.name === typed);
  const found = exact || (places || []).find((p) => p.name.includes(typed));
  return found ? { code: found.code, name: found.name } : { code: null, name: typed };
}

function spouse(person, tag) {
  const link = personLink(person || {});
  return h("span", { class: "spouse" }, link, person?.birth_date ? h("span", { class: "muted" }, ` ${person.birth_date}`) : null, tag);
}

function columns() {
  return [
    { label: t("couples_list"), value: (r) => t(`list_${r.worklist}`) },
    { label: t("husband"), value: (r) => spouse(r.husband) },
    { label: t("wife"), value: (r) => spouse(r.wife, r.pregnancy_possible === false ? h("span", { class: "badge" }, t("no_pregnancy_possible")) : null) },
    { label: t("risk_class"), value: (r) => t(`class_${r.classification ?? ""}`) },
    { label: t("risk"), value: (r) => pct(r.severe_probability) },
    { label: t("pregnancy"), value: (r) => (r.pregnancy_status ? t(`preg_${r.pregnancy_status}`) : t("preg_none")) },
    { label: t("marriage"), value: (r) => (r.marriage_inferred ? h("span", { class: "badge warn" }, t("marriage_inferred_short")) : t("marriage_registered")) },
    { label: t("residence"), value: (r) => r.division_name || t("division_unknown") },
  ];
}

function exportColumns() {
  const name = (p) => pick(p || {}, "name", "ref", "pid") ?? "";
  return columns().map((c, i) => (i === 1 ? { ...c, value: (r) => name(r.husband) }
    : i === 2 ? { ...c, value: (r) => name(r.wife) }
      : i === 6 ? { ...c, value: (r) => (r.marriage_inferred ? t("marriage_inferred_short") : t("marriage_registered")) } : c));
}

function page(body, query, go) {
  const rows = listOf(body, "couples");
  const first = body.total ? body.offset + 1 : 0;
  const last = body.offset + rows.length;
  const prev = h("button", { type: "button", id: "couples-prev", disabled: body.offset === 0,
    onclick: () => go(Math.max(0, body.offset - PAGE)) }, t("page_prev"));
  const next = h("button", { type: "button", id: "couples-next", disabled: last >= body.total,
    onclick: () => go(body.offset + PAGE) }, t("page_next"));
  const ex = exportRows("at-risk-couples", exportColumns(), rows);
  return h("div", null,
    h("div", { class: "row" }, h("span", { id: "couples-range" }, t("couples_range", { first, last, total: body.total })),
      h("span", { class: "spacer" }), prev, next,
      h("button", { type: "button", id: "export-csv", onclick: ex.csv }, t("export_csv"))),
    labelled(columns(), rows, { row: (r) => ({ class: r.worklist === "prenatal_diagnosis" ? "hl" : null }) }));
}

export function couplesPanel(box) {
  useStyle("decision.css");
  const out = h("div", { id: "couples-result" });
  const options = h("datalist", { id: "division-names" });
  const division = h("input", { id: "couples-division", list: "division-names", maxlength: 20, size: 14,
    placeholder: t("division_picker_placeholder"), "aria-label": t("division") });
  const chosen = h("span", { class: "muted", id: "couples-division-chosen" });
  const since = h("input", { id: "couples-since", type: "date" });
  const which = h("select", { id: "couples-list" }, LISTS.map((v) => h("option", { value: v }, t(`list_${v || "all"}`))));
  let query = {};
  const go = (offset) => load(out, () => call("/v1/thalassemia/couples", { query: { ...query, limit: PAGE, offset } }),
    (b) => page(b, query, go), { isEmpty: (b) => listOf(b, "couples").length === 0, emptyText: t("no_couples") });
  const form = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    const place = resolve(division.value);
    if (place.code === null) {
      chosen.textContent = t("division_not_found", { name: place.name });
      return;
    }
    chosen.textContent = place.code ? t("division_chosen", { name: place.name }) : "";
    query = { division: place.code, since: since.value, list: which.value };
    go(0);
  } }, h("label", { class: "field" }, t("division"), division), options,
  h("label", { class: "field" }, t("since"), since), h("label", { class: "field" }, t("couples_list"), which),
  h("button", { class: "primary", type: "submit" }, t("show")));
  box.replaceChildren(card(t("couples_title"), h("p", { class: "muted" }, t("couples_hint")), form, chosen), out);
  divisionChoices().then((list) => options.replaceChildren(...list.map((p) => h("option", { value: p.name }))))
    .catch(() => {});
  form.requestSubmit();
}
