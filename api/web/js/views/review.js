// The fusion review queue: two possible matches side by side; link, keep apart, or unmerge.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, loading, pick, personLink, busyButton, failure } from "../ui.js";
import { fieldLabel, forgetRecords, personRecords, recordsTable } from "../records.js";

// One side of a possible match: the person (if fused) and the source record, field by field.
function side(title, pid, record) {
  const data = Object.entries(pick(record || {}, "data") || {}).filter(([, v]) => v !== null && v !== "");
  return card(title, h("dl", { class: "facts" },
    h("dt", null, t("pid")), h("dd", null, pid ? personLink({ pid }) : "—"),
    h("dt", null, t("source")), h("dd", null, [pick(record || {}, "feed"), pick(record || {}, "source")].filter(Boolean).join(" · ") || "—"),
    h("dt", null, t("record_id")), h("dd", null, pick(record || {}, "record_id") ?? "—"),
    h("dt", null, t("file_line")), h("dd", null, record ? `${pick(record, "file") ?? ""}:${pick(record, "line") ?? ""}` : "—"),
    data.map(([k, v]) => [h("dt", null, fieldLabel(k)), h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))])));
}

function item(review, done) {
  const id = pick(review, "review_id", "id");
  const status = h("div", { class: "review-status" });
  const decide = (decision) => busyButton(t(`decision_${decision}`), async () => {
    status.replaceChildren(loading(t("refusing")));
    try {
      await call(`/v1/reviews/${encodeURIComponent(id)}/decision`, { method: "POST", body: { decision } });
      done(id, decision);
    } catch (err) { status.replaceChildren(failure(err, { missingRoute: true })); }
  }, { class: decision === "link" ? "primary" : null, "data-decision": decision });
  return h("article", { class: "card review-item", "data-review": id },
    h("div", { class: "row" }, h("b", null, t("review_n", { id })), h("span", { class: "muted" },
      `${t("score")}: ${pick(review, "weight") ?? "—"} · ${t(`review_kind_${pick(review, "kind") ?? ""}`)}`)),
    h("div", { class: "side" }, side(t("left"), pick(review, "left_pid"), pick(review, "left_record")),
      side(t("right"), pick(review, "right_pid"), pick(review, "right_record"))),
    h("div", { class: "row" }, decide("link"), decide("no_link")), status);
}

// The queue: a decided item leaves the list and is named in the status line above it.
function queue() {
  const list = h("div", { id: "review-list" });
  const decided = h("div", { id: "review-decided", role: "status" });
  const total = h("span", { id: "review-total", class: "muted" });
  const done = (id, decision) => {
    list.querySelector(`article[data-review="${id}"]`)?.remove();
    total.dataset.n = String(Number(total.dataset.n || 0) - 1);
    total.textContent = t("reviews_open_n", { n: total.dataset.n });
    decided.replaceChildren(h("div", { class: "verdict good", "data-review": id },
      t("decided_as", { id, decision: t(`decision_${decision}`) })));
  };
  load(list, () => call("/v1/reviews", { query: { status: "open", limit: 20 } }), (b) => {
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
    ...queue(), unmergeCard(pid));
}
