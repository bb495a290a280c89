// Admin only: the birth-policy table in force, and a draft's what-if over every couple on a
// date (a job: progress, then which couples change, by county and outcome, with a chart and
// a sample of decisions and their reasons under both tables).
import { call } from "../api.js";
import { t, bi } from "../i18n.js";
import { h, s, card, load, personLink, failure, loading } from "../ui.js";
import { useStyle } from "../styles.js";
import { labelled } from "../cards.js";

const OUTCOMES = ["eligible", "ineligible", "needs_review"];
const COLOURS = { eligible: "#1e7b34", ineligible: "#b42318", needs_review: "#a15c00" };
const POLL_MS = 1000;

function versions(body) {
  return labelled([
    { label: t("policy_version"), value: (v) => h("span", { translate: "no" }, v.id) },
    { label: t("effective_from"), value: (v) => v.effective_from },
    { label: t("date_confirmed"), value: (v) => (v.effective_from_confirmed ? t("yes")
      : t("date_unconfirmed_window", { before: v.review_days_before ?? 0, after: v.review_days_after ?? 0 })) },
    { label: t("policy_title"), value: (v) => bi(v.title) },
    { label: t("rules_n"), value: (v) => (v.review_only ? t("review_only") : String(v.rules.length)) },
  ], body.versions);
}

function current(body) {
  return h("div", { id: "policy-current" },
    h("dl", { class: "facts" },
      h("dt", null, t("table_version")), h("dd", { translate: "no" }, `${body.table_version} (${body.digest})`),
      h("dt", null, t("table_source")), h("dd", null, t(`table_source_${body.source}`)),
      h("dt", null, t("policy_range_short")), h("dd", null, `${body.covers_from} – ${body.covers_until ?? "—"}`)),
    versions(body));
}

function outcome(o) { return t(`outcome_${o}`); }

// Changed couples per county, one bar each, its parts coloured by the outcome after.
function chart(rows) {
  const top = rows.slice(0, 20);
  const max = Math.max(1, ...top.map((r) => r.changed));
  const W = 640; const rowH = 24; const left = 150; const width = W - left - 60;
  const svg = s("svg", { class: "chart", id: "whatif-chart", viewBox: `0 0 ${W} ${top.length * rowH + 10}`,
    role: "img", "aria-label": t("whatif_chart") });
  top.forEach((r, i) => {
    const y = 5 + i * rowH;
    svg.append(s("text", { x: left - 6, y: y + 15, "text-anchor": "end", "font-size": 12 },
      r.division_name || t("division_unknown")));
    let x = left;
    for (const name of OUTCOMES) {
      const n = r.changes.filter((c) => c.after === name).reduce((a, c) => a + c.couples, 0);
      if (!n) continue;
      const w = (n / max) * width;
      svg.append(s("rect", { x, y: y + 3, width: w, height: rowH - 8, fill: COLOURS[name], class: `bar ${name}`,
        "data-division": r.division, "data-couples": n }, s("title", null, `${outcome(name)} ${n}`)));
      x += w;
    }
    svg.append(s("text", { x: x + 4, y: y + 15, "font-size": 12 }, String(r.changed)));
  });
  const legend = h("div", { class: "legend" }, OUTCOMES.map((name) => h("span", null,
    h("span", { class: "swatch", style: `background:${COLOURS[name]}` }), t("changed_to", { outcome: outcome(name) }))));
  return h("div", null, svg, legend);
}

function decisionCell(d) {
  return h("div", { class: "whatif-decision" }, h("b", null, outcome(d.outcome)),
    d.child_order ? ` · ${t("child_order_n", { n: d.child_order })}` : "",
    h("ul", null, d.reasons.map((r) => h("li", null, bi(r)))));
}

function result(job) {
  const r = job.result;
  const transitions = labelled([
    { label: t("outcome_before"), value: (x) => outcome(x.before) },
    { label: t("outcome_after"), value: (x) => outcome(x.after) },
    { label: t("couples_n"), value: (x) => String(x.couples) },
  ], r.transitions, { row: (x) => ({ class: x.before !== x.after ? "hl" : null }) });
  const sample = labelled([
    { label: t("husband"), value: (x) => personLink(x.husband || {}) },
    { label: t("wife"), value: (x) => personLink(x.wife || {}) },
    { label: t("outcome_before"), value: (x) => decisionCell(x.before) },
    { label: t("outcome_after"), value: (x) => decisionCell(x.after) },
  ], r.sample);
  const places = labelled([
    { label: t("place"), value: (x) => x.division_name || t("division_unknown") },
    { label: t("changed_n"), value: (x) => String(x.changed) },
    { label: t("changes"), value: (x) => x.changes.map((c) => `${outcome(c.before)} → ${outcome(c.after)}：${c.couples}`).join("；") },
  ], r.by_division);
  return h("div", { id: "whatif-result" },
    h("p", { id: "whatif-summary" }, t("whatif_summary", { couples: r.couples, changed: r.changed, day: r.as_of,
      base: r.base.table_version, draft: r.draft.table_version })),
    h("h3", null, t("whatif_transitions")), h("div", { id: "whatif-transitions" }, transitions),
    h("h3", null, t("whatif_by_division")), r.by_division.length ? chart(r.by_division) : h("p", { class: "muted" }, t("whatif_none")),
    h("div", { id: "whatif-divisions" }, places),
    h("h3", null, t("whatif_sample")), h("div", { id: "whatif-sample" }, sample));
}

function progress(job) {
  const done = job.progress.done ?? 0; const total = job.progress.total ?? 0;
  return h("div", { id: "whatif-progress", class: "state loading", role: "status" }, h("span", { class: "spinner" }),
    total ? t("whatif_progress", { done, total }) : t("whatif_started"),
    h("progress", { max: total || 1, value: done }));
}

async function follow(out, id) {
  for (;;) {
    const job = await call(`/v1/jobs/${encodeURIComponent(id)}`, { query: { limit: 200 } });
    if (job.status === "succeeded") { out.replaceChildren(result(job)); return; }
    if (job.status === "failed") {
      out.replaceChildren(h("div", { class: "state error", role: "alert" }, t("whatif_failed")));
      return;
    }
    out.replaceChildren(progress(job));
    await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
  }
}

function whatifForm(out) {
  const file = h("input", { id: "draft-file", type: "file", accept: ".json,application/json", "aria-label": t("draft_file") });
  const asOf = h("input", { id: "whatif-as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const form = h("form", { class: "inline", id: "whatif-form", onsubmit: async (e) => {
    e.preventDefault();
    const draft = file.files[0];
    if (!draft) { out.replaceChildren(h("div", { class: "state error" }, t("draft_missing"))); return; }
    out.replaceChildren(loading());
    try {
      const text = await draft.text();
      const job = await call("/v1/policy/whatif", { method: "POST", body: { table_text: text, as_of: asOf.value } });
      await follow(out, job.job_id);
    } catch (err) {
      out.replaceChildren(draftProblems(err));
    }
  } }, h("label", { class: "field" }, t("draft_file"), file), h("label", { class: "field" }, t("as_of"), asOf),
  h("button", { class: "primary", type: "submit" }, t("run_whatif")));
  return form;
}

// A refused draft: each problem with its line of the operator's file.
function draftProblems(err) {
  const lines = (err?.errors || []).filter((e) => e.reason === "malformed_policy");
  if (!lines.length) return failure(err, { missingRoute: true });
  return h("div", { class: "state error", role: "alert", id: "draft-problems" }, t("draft_refused"),
    h("ul", null, lines.map((e) => h("li", null, t("draft_line", { line: e.field.split(".").pop() }), " ",
      h("span", { translate: "no" }, e.message)))));
}

export function policyView(main) {
  useStyle("decision.css");
  const now = h("div", { id: "policy-table" });
  const out = h("div", { id: "whatif-box" });
  main.append(h("h1", null, t("policy_admin_title")), card(t("policy_in_force"), now),
    card(t("whatif_title"), h("p", { class: "muted" }, t("whatif_hint")), whatifForm(out), out));
  load(now, () => call("/v1/policy"), current);
}
