// One item of the review queue: a possible match with both persons side by side (by name,
// birth date, registration and the record compared), or conflicting facts with the rows
// on each side; the officer's decisions on it, each followed to its result.
import { t } from "../../i18n.js";
import { h, badge, personLink } from "../../ui.js";
import { dataList, feedText, sourceText } from "../../records.js";
import { compareInto } from "./compare.js";
import { byPid, mergeAfterPreview, personCard, submit } from "./jobs.js";

const LINKABLE = new Set(["conflict_two_mothers", "conflict_two_fathers"]);

function header(item) {
  const when = item.created ? String(item.created).slice(0, 10) : null;
  const places = (item.divisions || []).map((code) => item.persons.find((c) => c.division === code)
    ?.division_name || code);
  return h("div", { class: "row item-head" },
    h("b", null, t("review_n", { id: "" }), h("span", { translate: "no" }, item.review_id)),
    badge(t(`review_kind_${item.kind}`), item.kind.startsWith("conflict_") ? "warn" : null),
    item.weight != null ? h("span", { class: "muted" }, t("weight_n", { n: item.weight.toFixed(1) })) : null,
    when ? h("span", { class: "muted", "data-created": when }, t("found_on", { date: when })) : null,
    places.length ? h("span", { class: "muted", translate: "no" }, places.join("、")) : null,
    item.reason && !item.kind.startsWith("conflict_")
      ? h("span", { class: "refused", "data-reason": item.reason }, t(`refused_reason_${item.reason}`)) : null);
}

function recordOf(record, mention) {
  if (!record) return null;
  const role = String(mention || "").split("|").pop();
  return h("div", { class: "record" },
    h("div", { class: "muted" }, t("this_record"), "：", feedText(record.feed), " · ", sourceText(record.source),
      role ? ` · ${t(`party_${role}`)}` : ""),
    dataList(record.data));
}

function side(title, card, record, mention) {
  return h("section", { class: "side-card" }, h("h3", null, title), personCard(card),
    recordOf(record, mention));
}

function levels(found) {
  const entries = Object.entries(found || {});
  if (!entries.length) return null;
  return h("div", { class: "levels" }, h("span", { class: "muted" }, t("levels_title"), "："),
    entries.map(([name, level]) => badge(`${t(`cmp_${name}`)} ${level ? t(`lvl_${name}_${level}`)
      : t("level_unknown")}`, level === "exact" || level === "same" ? "good"
      : level && level.startsWith("different") ? "bad" : null)));
}

// A decided item stays on the page with its result; its buttons go.
function settle(article, actions, done, decision) {
  return (job) => {
    if (job?.status === "succeeded") {
      article.classList.add("decided");
      article.dataset.decided = decision;
      actions.remove();
      done(article.dataset.review, decision);
    } else {
      for (const b of actions.querySelectorAll("button")) b.disabled = false;
    }
  };
}

function busy(actions) {
  for (const b of actions.querySelectorAll("button:not(.compare-toggle)")) b.disabled = true;
}

export function matchItem(item, done) {
  const id = item.review_id;
  const persons = byPid(item);
  const status = h("div", { class: "review-status" });
  const compared = h("div", { class: "compare-box" });
  const path = `/v1/reviews/${encodeURIComponent(id)}`;
  const article = h("article", { class: "card review-item match", "data-review": id, "data-kind": item.kind });
  const actions = h("div", { class: "row actions" });
  const toggle = h("button", { type: "button", class: "compare-toggle", onclick: async () => {
    if (compared.childElementCount) { compared.replaceChildren(); toggle.textContent = t("compare"); return; }
    toggle.textContent = t("compare_hide");
    await compareInto(compared, id);
  } }, t("compare"));
  const link = h("button", { type: "button", class: "primary", "data-decision": "link", onclick: async () => {
    busy(actions);
    const job = await mergeAfterPreview(status, `${path}/preview`, `${path}/decision`,
      { decision: "link" }, t("decision_link"));
    settle(article, actions, done, "link")(job);
  } }, t("decision_link"));
  const apart = h("button", { type: "button", "data-decision": "no_link", onclick: async () => {
    busy(actions);
    const job = await submit(status, `${path}/decision`, { decision: "no_link" }, t("decision_no_link"));
    settle(article, actions, done, "no_link")(job);
  } }, t("decision_no_link"));
  actions.append(toggle, link, apart);
  // Through h(): it leaves out what is null (the native append writes "null").
  article.append(...h("div", null, header(item),
    h("div", { class: "pair" }, side(t("side_a"), persons[item.left_pid], item.left_record, item.left_mention),
      side(t("side_b"), persons[item.right_pid], item.right_record, item.right_mention)),
    levels(item.levels), actions, status, compared).childNodes);
  return article;
}

function personOfSide(persons, pid) {
  const card = persons[pid];
  return card ? [card.person.name ? personLink(card.person) : personLink({ pid }), " ",
    h("span", { class: "muted" }, card.person.birth_date || "")] : personLink({ pid });
}

// One side of a conflict: the claim, whom it is about (by name), and the rows that state
// it (those an officer may dismiss carry a checkbox).
function conflictSide(s, persons) {
  const facts = h("dl", { class: "facts" },
    h("dt", null, t(s.parent_pid ? "party_child" : "pid")), h("dd", null, s.pid ? personOfSide(persons, s.pid) : "—"),
    s.parent_pid ? [h("dt", null, t(`claim_${s.claim}`)), h("dd", null, personOfSide(persons, s.parent_pid))] : null,
    s.value ? [h("dt", null, t("claim_value")), h("dd", null, s.value)] : null,
    s.minimum_age ? [h("dt", null, t("minimum_age")), h("dd", null, String(s.minimum_age))] : null);
  const rows = (s.records || []).map((r) => h("li", null,
    s.dismissable ? h("input", { type: "checkbox", class: "dismiss", value: r.key, "aria-label": t("decision_dismiss") }) : null,
    " ", h("details", { class: "inline-record" }, h("summary", null, `${feedText(r.feed)} · ${sourceText(r.source)} · `,
      h("span", { translate: "no" }, `${r.record_id} (${r.file ?? ""}:${r.line ?? ""})`)), dataList(r.data))));
  return h("section", { class: "side-card" }, h("h3", null, t(`claim_${s.claim}`)), facts,
    h("ul", { class: "records" }, rows));
}

export function conflictItem(item, done) {
  const id = item.review_id;
  const persons = byPid(item);
  const status = h("div", { class: "review-status" });
  const path = `/v1/reviews/${encodeURIComponent(id)}`;
  const box = h("div", { class: "pair sides" }, (item.sides || []).map((s) => conflictSide(s, persons)));
  const checked = () => [...box.querySelectorAll("input.dismiss:checked")].map((c) => c.value);
  const article = h("article", { class: "card review-item conflict", "data-review": id, "data-kind": item.kind });
  const actions = h("div", { class: "row actions" });
  const plain = (decision, body) => h("button", { type: "button", "data-decision": decision, onclick: async () => {
    busy(actions);
    const job = await submit(status, `${path}/decision`, body(), t(`decision_${decision}`));
    settle(article, actions, done, decision)(job);
  } }, t(`decision_${decision}`));
  actions.append(plain("accept", () => ({ decision: "accept" })),
    plain("dismiss", () => ({ decision: "dismiss", records: checked() })));
  if (LINKABLE.has(item.kind)) {
    actions.append(h("button", { type: "button", class: "primary", "data-decision": "link", onclick: async () => {
      busy(actions);
      const job = await mergeAfterPreview(status, `${path}/preview`, `${path}/decision`,
        { decision: "link" }, t("decision_link"));
      settle(article, actions, done, "link")(job);
    } }, t("decision_link")));
  }
  article.append(...h("div", null, header(item), h("p", { class: "muted" },
    t(`conflict_reason_${item.reason ?? ""}`), " · ", t("conflict_hint")), box, actions, status).childNodes);
  return article;
}

export function reviewItem(item, done) {
  return String(item.kind || "").startsWith("conflict_") ? conflictItem(item, done) : matchItem(item, done);
}
