// A decision's life on the page: the preview of a merge to confirm, then the job that
// writes it (202 + /v1/jobs/{id}) followed with its stage and progress, then what it
// changed. Nothing waits on the request: the job is polled once a second. The ended
// job answers with the X-Bookmarks of its write, which api.js keeps for the next reads.
import { call } from "../../api.js";
import { has, t } from "../../i18n.js";
import { h, personLink, failure, loading, sexText } from "../../ui.js";

const POLL_MS = 1000;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// The persons of an item by pid (each a card: person, division, division_name, mentions).
export function byPid(item) {
  return Object.fromEntries((item?.persons || []).map((c) => [c.person.pid, c]));
}

// Who a person is, as an officer tells two persons apart.
export function personCard(card, title) {
  const p = card?.person;
  if (!p) return h("div", { class: "person-card muted" }, t("no_person"));
  return h("div", { class: "person-card", "data-pid": p.pid },
    title ? h("div", { class: "muted" }, title) : null,
    h("div", { class: "person-name" }, p.name ? personLink(p)
      : [t("unnamed"), " ", personLink({ pid: p.pid })]),
    h("dl", { class: "facts small" },
      h("dt", null, t("sex")), h("dd", { "data-field": "sex" }, sexText(p.sex)),
      h("dt", null, t("birth_date")), h("dd", { "data-field": "birth_date" }, p.birth_date || t("unknown")),
      h("dt", null, t("id_number")), h("dd", { translate: "no", "data-field": "id_number" }, p.id_number || "—"),
      h("dt", null, t("registered_in")), h("dd", { translate: card.division_name ? "no" : null,
        "data-field": "division" }, card.division_name || t("division_unknown")),
      h("dt", null, t("mentions")), h("dd", null, t("mentions_n", { n: card.mentions ?? 0 }))));
}

function stageText(stage) {
  return has(`stage_${stage}`) ? t(`stage_${stage}`) : t("stage_other");
}

function pending(job, started) {
  const p = job.progress || {};
  const bar = p.total ? h("progress", { max: p.total, value: p.done ?? 0, class: "job-bar" }) : null;
  return [h("div", { class: "row" }, h("span", { class: "spinner" }), h("b", null, t("job_pending")),
    h("span", { class: "job-stage", "data-stage": p.stage || "" }, stageText(p.stage)),
    p.total ? h("span", { class: "muted" }, `${p.done ?? 0} / ${p.total}`) : null),
  bar, h("div", { class: "muted" }, t("job_elapsed", { n: Math.round((Date.now() - started) / 1000) }))];
}

// What a finished job changed: persons merged and split, records moved, edges.
export function summary(result) {
  const items = [];
  for (const m of result.merged || []) {
    items.push(h("li", { class: "merged" }, t("result_merged"), " ",
      m.pids.map((p) => [personLink({ pid: p }), " "]), t("result_into"), " ", personLink({ pid: m.pid })));
  }
  for (const s of result.split || []) {
    items.push(h("li", { class: "split" }, t("result_split"), " ", personLink({ pid: s.pid }), " ",
      t("result_split_into"), " ", s.pids.map((p) => [personLink({ pid: p }), " "])));
  }
  items.push(h("li", null, result.mentions_moved ? t("result_moved", { n: result.records_moved })
    : t("result_nothing")));
  for (const [type, c] of Object.entries(result.edges || {})) {
    items.push(h("li", null, t("result_edges", { type: t(`edge_${type}`), ...c })));
  }
  items.push(h("li", { class: "muted" }, t("result_persons", { n: (result.persons || []).length })));
  return h("ul", { class: "job-result" }, items);
}

function ended(job, label) {
  if (job.status === "succeeded") {
    return [h("div", { class: "verdict good" }, t("job_done", { decision: label })),
      job.result ? summary(job.result) : null];
  }
  const code = job.error?.code || "other";
  const why = has(`job_error_${code}`) ? t(`job_error_${code}`) : t("job_error_other");
  return [h("div", { class: "verdict bad" }, t("job_failed", { decision: label })), h("p", null, why)];
}

// Follow a job until it ends; the box shows its stage, then its result. Resolves to the
// job's last state (null when it could not be read).
export async function follow(job, box, label) {
  const started = Date.now();
  const status = h("div", { class: "job", "data-job": job.job_id, "data-status": job.status,
    role: "status" });
  box.replaceChildren(status);
  let current = job;
  while (current.status === "queued" || current.status === "running") {
    status.dataset.status = current.status;
    status.replaceChildren(...pending(current, started));
    await sleep(POLL_MS);
    try {
      current = await call(`/v1/jobs/${encodeURIComponent(current.job_id)}`);
    } catch (err) {
      status.replaceChildren(failure(err));
      return null;
    }
  }
  status.dataset.status = current.status;
  status.replaceChildren(...ended(current, label));
  return current;
}

// A refused decision (409: pending, stale confirmation; 428) in the officer's words.
export function refusal(err) {
  const known = { decision_pending: "decision_pending_exists", confirmation_invalid: "confirmation_stale",
    confirmation_required: "confirmation_stale" };
  return known[err?.code] ? h("div", { class: "state error", role: "alert", "data-status": err.status },
    t(known[err.code])) : failure(err);
}

// Send a decision (or an unmerge) and follow its job.
export async function submit(box, path, body, label) {
  let job;
  try {
    job = await call(path, { method: "POST", body });
  } catch (err) {
    box.replaceChildren(refusal(err));
    return null;
  }
  return follow(job, box, label);
}

function edgesList(edges, removed) {
  const rows = Object.entries(edges || {}).map(([type, n]) => h("li", null,
    `${t(`edge_${type}`)}: ${n}`, removed?.[type] ? ` (−${removed[type]})` : ""));
  return rows.length ? h("ul", { class: "preview-edges" }, rows) : null;
}

// What a merge or a split will change, with the buttons that confirm or cancel it.
export function previewPanel(preview, { confirmLabel, onConfirm, onCancel }) {
  const persons = preview.persons || [];
  const moved = preview.moved || [];
  const lead = preview.action === "split" ? t("preview_split", { n: preview.moved_total })
    : t("preview_merge");
  const confirm = h("button", { type: "button", class: "primary confirm", onclick: () => {
    confirm.disabled = true; onConfirm(); } }, confirmLabel);
  return h("div", { class: "preview", "data-action": preview.action, role: "dialog",
    "aria-label": t("merge_preview") },
  h("h3", null, t("merge_preview")), h("p", null, lead),
  h("div", { class: "pair" }, persons.map((c) => personCard(c))),
  preview.action === "merge" && preview.survivor ? h("p", null, t("preview_survivor"), " ",
    personLink({ pid: preview.survivor })) : null,
  preview.moved_total ? h("p", { class: "preview-moved" }, t("preview_moved", { n: preview.moved_total }),
    moved.length < preview.moved_total ? ` ${t("preview_more", { n: preview.moved_total - moved.length })}` : "") : null,
  Object.keys(preview.edges || {}).length ? [h("div", { class: "muted" }, t("preview_edges")),
    edgesList(preview.edges, preview.edges_removed)] : h("p", null, t("preview_none")),
  h("p", { class: "muted" }, t("preview_after", { n: preview.persons_after }), " · ", t("preview_note")),
  preview.expires ? h("p", { class: "muted" }, t("preview_expires", {
    time: new Date(preview.expires).toLocaleTimeString("zh-CN", { hour12: false }) })) : null,
  h("div", { class: "row" }, confirm,
    h("button", { type: "button", class: "cancel", onclick: onCancel }, t("cancel"))));
}

// Preview a merge, then (confirmed) send it with its token and follow its job.
export async function mergeAfterPreview(box, previewPath, decisionPath, body, label, { confirmLabel, onStart } = {}) {
  box.replaceChildren(loading(t("preview_loading")));
  let preview;
  try {
    preview = await call(previewPath, { method: "POST", body });
  } catch (err) {
    box.replaceChildren(refusal(err));
    return null;
  }
  return new Promise((resolve) => {
    box.replaceChildren(previewPanel(preview, {
      confirmLabel: confirmLabel || t("confirm_merge"),
      onConfirm: async () => {
        onStart?.();
        resolve(await submit(box, decisionPath, { ...body, confirmation: preview.confirmation }, label));
      },
      onCancel: () => { box.replaceChildren(); resolve(null); },
    }));
  });
}
