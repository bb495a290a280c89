// Search: by ID number, or by name and birth date with fuzzy candidates (in the request
// body: an ID number never goes in a URL).
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, table, sexText, badge } from "../ui.js";

function candidates(body) {
  const rows = listOf(body);
  return table([
    { label: t("name"), value: (c) => h("a", { class: "link candidate",
      href: `#/person/${encodeURIComponent(c.person.pid)}` }, c.person.name || c.person.pid) },
    { label: t("sex"), value: (c) => sexText(c.person.sex) },
    { label: t("birth_date"), value: (c) => c.person.birth_date || "" },
    { label: t("id_number"), value: (c) => c.person.id_number || "" },
    { label: t("match"), value: (c) => badge(t(`match_${c.match}`),
      c.match === "fuzzy_name" ? "warn" : "good") },
    { label: t("score"), value: (c) => c.score.toFixed(0) },
  ], rows);
}

function summary(body) {
  return h("div", null, h("p", { class: "muted" }, t("candidates_count", { n: body.total })),
    candidates(body));
}

export function searchView(main) {
  const results = h("div", { id: "search-results" });
  const run = (query) => load(results, () => call("/v1/persons/search", { method: "POST", body: query }), summary,
    { isEmpty: (b) => listOf(b).length === 0, emptyText: t("no_candidates") });
  const idInput = h("input", { id: "q-id", required: true, maxlength: 40, size: 22,
    placeholder: t("id_number_placeholder") });
  const nameInput = h("input", { id: "q-name", required: true, maxlength: 40, size: 10 });
  const bornInput = h("input", { id: "q-born", type: "date", required: true });
  const byId = h("form", { class: "inline", id: "by-id", onsubmit: (e) => {
    e.preventDefault(); run({ id_number: idInput.value.trim() }); } },
  h("label", { class: "field" }, t("id_number"), idInput),
  h("button", { class: "primary", type: "submit" }, t("search")));
  const byName = h("form", { class: "inline", id: "by-name", onsubmit: (e) => {
    e.preventDefault(); run({ name: nameInput.value.trim(), birth_date: bornInput.value }); } },
  h("label", { class: "field" }, t("name"), nameInput),
  h("label", { class: "field" }, t("birth_date"), bornInput),
  h("button", { class: "primary", type: "submit" }, t("search")));
  main.append(h("h1", null, t("search_title")),
    h("div", { class: "grid2" }, card(t("search_by_id"), byId), card(t("search_by_name"), byName)),
    h("p"), card(t("candidates"), results));
  results.replaceChildren(h("div", { class: "state empty" }, t("search_hint")));
}
