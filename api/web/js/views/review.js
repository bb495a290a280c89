// The fusion review queue: two possible matches side by side; link, keep apart, or unmerge.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, pick, personLink, busyButton, failure } from "../ui.js";

// One side of a possible match: the person (if fused) and the source record, field by field.
function side(title, pid, record) {
  const data = Object.entries(pick(record || {}, "data") || {}).filter(([, v]) => v !== null && v !== "");
  return card(title, h("dl", { class: "facts" },
    h("dt", null, t("pid")), h("dd", null, pid ? personLink({ pid }) : "—"),
    h("dt", null, t("source")), h("dd", null, [pick(record || {}, "feed"), pick(record || {}, "source")].filter(Boolean).join(" · ") || "—"),
    h("dt", null, t("record_id")), h("dd", null, pick(record || {}, "record_id") ?? "—"),
    h("dt", null, t("file_line")), h("dd", null, record ? `${pick(record, "file") ?? ""}:${pick(record, "line") ?? ""}` : "—"),
    data.map(([k, v]) => [h("dt", null, k), h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))])));
}

function item(review, after) {
  const id = pick(review, "review_id", "id");
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
      `${t("score")}: ${pick(review, "weight") ?? "—"} · ${pick(review, "kind") ?? ""}`)),
    h("div", { class: "side" }, side(t("left"), pick(review, "left_pid"), pick(review, "left_record")),
      side(t("right"), pick(review, "right_pid"), pick(review, "right_record"))),
    h("div", { class: "row" }, decide("link"), decide("no_link")), status);
}

export function reviewView(main) {
  const list = h("div", { id: "review-list" });
  const refresh = () => load(list, () => call("/v1/reviews", { query: { status: "open" } }),
    (b) => h("div", null, listOf(b, "reviews").map((r) => item(r, refresh))),
    { isEmpty: (b) => listOf(b, "reviews").length === 0, emptyText: t("no_reviews") });
  const pid = h("input", { id: "unmerge-pid", required: true, maxlength: 64, placeholder: "pid" });
  const mentions = h("input", { id: "unmerge-mentions", required: true, size: 40, placeholder: t("mentions_placeholder") });
  const unmerged = h("div", { id: "unmerge-result" });
  const unmerge = h("form", { class: "inline", onsubmit: async (e) => {
    e.preventDefault();
    if (!window.confirm(t("unmerge_confirm"))) return;
    try {
      await call(`/v1/persons/${encodeURIComponent(pid.value.trim())}/unmerge`, { method: "POST",
        body: { mentions: mentions.value.split(/[\s,]+/).filter(Boolean) } });
      unmerged.replaceChildren(h("div", { class: "verdict good" }, t("unmerged")));
    } catch (err) { unmerged.replaceChildren(failure(err, { missingRoute: true })); }
  } }, h("label", { class: "field" }, t("pid"), pid),
  h("label", { class: "field" }, t("mentions"), mentions), h("button", { class: "danger", type: "submit" }, t("unmerge")));
  main.append(h("h1", null, t("review_title")), h("p", { class: "muted" }, t("review_hint")), list,
    card(t("unmerge_title"), h("p", { class: "muted" }, t("unmerge_hint")), unmerge, unmerged));
  refresh();
}
