// The review queue: two possible matches side by side (link or keep apart), conflicting
// facts with the records on each side (accept, dismiss checked records, or link two
// parents), and unmerge.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, loading, pick, personLink, busyButton, failure } from "../ui.js";
import { dataList, feedText, forgetRecords, personRecords, recordsTable, sourceText } from "../records.js";

// One side of a possible match: the person (if fused) and the source record, field by field.
function side(title, pid, record) {
  const feed = pick(record || {}, "feed"); const source = pick(record || {}, "source");
  return card(title, h("dl", { class: "facts" },
    h("dt", null, t("pid")), h("dd", null, pid ? personLink({ pid }) : "—"),
    h("dt", null, t("source")), h("dd", null, [feed && feedText(feed), source && sourceText(source)].filter(Boolean).join(" · ") || "—"),
    h("dt", null, t("record_id")), h("dd", { translate: "no" }, pick(record || {}, "record_id") ?? "—"),
    h("dt", null, t("file_line")), h("dd", { translate: "no" }, record ? `${pick(record, "file") ?? ""}:${pick(record, "line") ?? ""}` : "—")),
  dataList(pick(record || {}, "data")));
}

function decisionButton(id, decision, body, status, done) {
  return busyButton(t(`decision_${decision}`), async () => {
    status.replaceChildren(loading(t("refusing")));
    try {
      await call(`/v1/reviews/${encodeURIComponent(id)}/decision`, { method: "POST", body: body() });
      done(id, decision);
    } catch (err) { status.replaceChildren(failure(err, { missingRoute: true })); }
  }, { class: decision === "link" ? "primary" : null, "data-decision": decision });
}

// A possible match fusion refused to link (the person could not have lived) says why.
function matchItem(review, done) {
  const id = pick(review, "review_id", "id");
  const status = h("div", { class: "review-status" });
  const decide = (decision) => decisionButton(id, decision, () => ({ decision }), status, done);
  const reason = pick(review, "reason");
  return h("article", { class: "card review-item", "data-review": id },
    h("div", { class: "row" }, h("b", null, t("review_n", { id })), h("span", { class: "muted" },
      `${t("score")}: ${pick(review, "weight") ?? "—"} · ${t(`review_kind_${pick(review, "kind") ?? ""}`)}`),
      reason ? h("span", { class: "refused", "data-reason": reason }, t(`refused_reason_${reason}`)) : null),
    h("div", { class: "side" }, side(t("left"), pick(review, "left_pid"), pick(review, "left_record")),
      side(t("right"), pick(review, "right_pid"), pick(review, "right_record"))),
    h("div", { class: "row" }, decide("link"), decide("no_link")), status);
}

// One side of a conflict: the claim, whom it is about, and the rows that state it (those
// an officer may dismiss carry a checkbox).
function conflictSide(s) {
  const facts = h("dl", { class: "facts" },
    h("dt", null, t(s.parent_pid ? "party_child" : "pid")), h("dd", null, s.pid ? personLink({ pid: s.pid }) : "—"),
    s.parent_pid ? [h("dt", null, t(`claim_${s.claim}`)), h("dd", null, personLink({ pid: s.parent_pid }))] : null,
    s.value ? [h("dt", null, t("claim_value")), h("dd", null, s.value)] : null,
    s.minimum_age ? [h("dt", null, t("minimum_age")), h("dd", null, `${s.minimum_age} · ${s.law ?? ""}`)] : null);
  const rows = (s.records || []).map((r) => h("li", null,
    s.dismissable ? h("input", { type: "checkbox", class: "dismiss", value: r.key, "aria-label": t("decision_dismiss") }) : null,
    ` ${feedText(r.feed)} · ${sourceText(r.source)} · `, h("span", { translate: "no" }, `${r.record_id} (${r.file ?? ""}:${r.line ?? ""})`)));
  return card(t(`claim_${s.claim}`), facts, h("ul", { class: "records" }, rows));
}

function conflictItem(review, done) {
  const id = pick(review, "review_id", "id");
  const kind = pick(review, "kind") ?? "";
  const status = h("div", { class: "review-status" });
  const box = h("div", { class: "side" }, (pick(review, "sides") || []).map(conflictSide));
  const checked = () => [...box.querySelectorAll("input.dismiss:checked")].map((c) => c.value);
  const buttons = [decisionButton(id, "accept", () => ({ decision: "accept" }), status, done),
    decisionButton(id, "dismiss", () => ({ decision: "dismiss", records: checked() }), status, done)];
  if (kind === "conflict_two_mothers" || kind === "conflict_two_fathers") {
    buttons.push(decisionButton(id, "link", () => ({ decision: "link" }), status, done));
  }
  return h("article", { class: "card review-item conflict", "data-review": id, "data-kind": kind },
    h("div", { class: "row" }, h("b", null, t("review_n", { id })), h("span", { class: "muted" },
      `${t(`review_kind_${kind}`)} · ${t(`conflict_reason_${pick(review, "reason") ?? ""}`)}`)),
    h("p", { class: "muted" }, t("conflict_hint")), box, h("div", { class: "row" }, buttons), status);
}

function item(review, done) {
  return String(pick(review, "kind") || "").startsWith("conflict_")
    ? conflictItem(review, done) : matchItem(review, done);
}

// A queue: a decided item leaves the list and is named in the status line above it.
// `ids` names the elements (possible matches keep the historical review-* ids).
function queue(kind, ids) {
  const list = h("div", { id: ids.list });
  const decided = h("div", { id: ids.decided, role: "status" });
  const total = h("span", { id: ids.total, class: "muted" });
  const done = (id, decision) => {
    list.querySelector(`article[data-review="${id}"]`)?.remove();
    total.dataset.n = String(Number(total.dataset.n || 0) - 1);
    total.textContent = t("reviews_open_n", { n: total.dataset.n });
    decided.replaceChildren(h("div", { class: "verdict good", "data-review": id },
      t("decided_as", { id, decision: t(`decision_${decision}`) })));
  };
  load(list, () => call("/v1/reviews", { query: { status: "open", kind, limit: 20 } }), (b) => {
    total.dataset.n = String(b.total ?? listOf(b, "reviews").length);
    total.textContent = t("reviews_open_n", { n: total.dataset.n });
    return h("div", null, listOf(b, "reviews").map((r) => item(r, done)));
  }, { isEmpty: (b) => listOf(b, "reviews").length === 0, emptyText: t("no_reviews") });
  return [total, decided, list];
}

// Unmerge: the person's source records as checkboxes; the checked ones are split off.
function unmergeCard(prefill) {
  const pid = h("input", { id: "unmerge-pid", required: true, maxlength: 64, placeholder: t("ref_placeholder"), value: prefill || "" });
  const rows = h("div", { id: "unmerge-records" });
  const unmerged = h("div", { id: "unmerge-result" });
  const submit = h("button", { class: "danger", type: "button", id: "unmerge-submit", disabled: true }, t("unmerge"));
  const checked = () => [...rows.querySelectorAll("input.mention:checked")].map((c) => c.value);
  rows.addEventListener("change", () => {
    const n = checked().length; const all = rows.querySelectorAll("input.mention").length;
    submit.disabled = n === 0 || n === all;
    unmerged.replaceChildren(n && n === all ? h("div", { class: "state error" }, t("unmerge_keep_one")) : "");
  });
  let person = null;
  const list = async () => {
    unmerged.replaceChildren();
    submit.disabled = true;
    const body = await load(rows, () => personRecords(pid.value.trim()), (b) => recordsTable(b, { select: true }),
      { isEmpty: (b) => b.items.length === 0 });
    person = body?.pid ?? null;
  };
  submit.addEventListener("click", async () => {
    if (!person || !window.confirm(t("unmerge_confirm"))) return;
    submit.disabled = true;
    unmerged.replaceChildren(loading(t("refusing")));
    try {
      const out = await call(`/v1/persons/${encodeURIComponent(person)}/unmerge`, { method: "POST", body: { mentions: checked() } });
      forgetRecords(pid.value.trim());
      unmerged.replaceChildren(h("div", { class: "verdict good" }, t("unmerged")),
        h("p", null, t("split_into"), " ", out.split_into.map((p) => [personLink({ pid: p }), " "])));
    } catch (err) { unmerged.replaceChildren(failure(err, { missingRoute: true })); }
  });
  const form = h("form", { class: "inline", onsubmit: (e) => { e.preventDefault(); list(); } },
    h("label", { class: "field" }, t("pid"), pid), h("button", { type: "submit", id: "unmerge-list" }, t("list_records")));
  if (prefill) setTimeout(list, 0);
  return card(t("unmerge_title"), h("p", { class: "muted" }, t("unmerge_hint")), form, rows,
    h("div", { class: "row" }, submit), unmerged);
}

export function reviewView(main, pid) {
  main.append(h("h1", null, t("review_title")), h("p", { class: "muted" }, t("review_hint")),
    ...queue("fusion", { list: "review-list", decided: "review-decided", total: "review-total" }),
    h("h2", null, t("conflicts_title")), h("p", { class: "muted" }, t("conflicts_hint")),
    ...queue("conflict", { list: "conflict-list", decided: "conflict-decided", total: "conflict-total" }),
    unmergeCard(pid));
}
