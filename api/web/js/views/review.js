// The fusion review queue: two possible matches side by side; link, keep apart, or unmerge.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, pick, personName, sexText, busyButton, failure, table } from "../ui.js";

function side(title, x) {
  const p = pick(x, "person") || x || {};
  const records = pick(x, "records") || [];
  return card(title, h("dl", { class: "facts" },
    h("dt", null, t("name")), h("dd", null, personName(p)),
    h("dt", null, t("sex")), h("dd", null, sexText(pick(p, "sex"))),
    h("dt", null, t("birth_date")), h("dd", null, pick(p, "birth_date") ?? "—"),
    h("dt", null, t("id_number")), h("dd", null, pick(p, "id_number") ?? "—"),
    h("dt", null, t("pid")), h("dd", null, pick(p, "pid") ?? "—")),
  records.length ? h("div", { class: "records" }, table([
    { label: t("source"), value: (r) => [pick(r, "feed"), pick(r, "source")].filter(Boolean).join(" · ") || pick(r, "key") || String(r) },
    { label: t("record_id"), value: (r) => pick(r, "record_id") ?? "" },
  ], records)) : null);
}

function item(review, after) {
  const id = pick(review, "id", "review_id");
  const status = h("div", { class: "review-status" });
  const decide = (decision) => busyButton(t(`decision_${decision}`), async () => {
    try {
      await call(`/v1/reviews/${encodeURIComponent(id)}/decision`, { method: "POST", body: { decision } });
      status.replaceChildren(h("div", { class: "verdict good" }, t("decided")));
      after();
    } catch (err) { status.replaceChildren(failure(err, { missingRoute: true })); }
  }, { class: decision === "link" ? "primary" : null, "data-decision": decision });
  return h("article", { class: "card review-item", "data-review": id },
    h("div", { class: "row" }, h("b", null, t("review_n", { id })), h("span", { class: "muted" },
      `${t("score")}: ${pick(review, "score", "probability") ?? "—"} · ${(pick(review, "reasons", "evidence") || []).join(", ")}`)),
    h("div", { class: "side" }, side(t("left"), pick(review, "left", "a", "first")), side(t("right"), pick(review, "right", "b", "second"))),
    h("div", { class: "row" }, decide("link"), decide("no_link")), status);
}

export function reviewView(main) {
  const list = h("div", { id: "review-list" });
  const refresh = () => load(list, () => call("/v1/reviews", { query: { status: "open" } }),
    (b) => h("div", null, listOf(b, "reviews").map((r) => item(r, refresh))),
    { isEmpty: (b) => listOf(b, "reviews").length === 0, emptyText: t("no_reviews") });
  const pid = h("input", { id: "unmerge-pid", required: true, maxlength: 64, placeholder: "pid" });
  const unmerged = h("div", { id: "unmerge-result" });
  const unmerge = h("form", { class: "inline", onsubmit: async (e) => {
    e.preventDefault();
    if (!window.confirm(t("unmerge_confirm"))) return;
    try {
      await call(`/v1/persons/${encodeURIComponent(pid.value.trim())}/unmerge`, { method: "POST", body: {} });
      unmerged.replaceChildren(h("div", { class: "verdict good" }, t("unmerged")));
    } catch (err) { unmerged.replaceChildren(failure(err, { missingRoute: true })); }
  } }, h("label", { class: "field" }, t("pid"), pid), h("button", { class: "danger", type: "submit" }, t("unmerge")));
  main.append(h("h1", null, t("review_title")), h("p", { class: "muted" }, t("review_hint")), list,
    card(t("unmerge_title"), h("p", { class: "muted" }, t("unmerge_hint")), unmerge, unmerged));
  refresh();
}
