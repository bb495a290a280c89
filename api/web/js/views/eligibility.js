// Eligibility: decide for a couple, read the reasons and evidence, issue the permit.
import { call, listOf } from "../api.js";
import { t, bi, language } from "../i18n.js";
import { h, card, load, table, pick, personLink, busyButton, failure } from "../ui.js";

const TONES = { eligible: "good", ineligible: "bad", needs_review: "warn" };

// The legal reference as the API gives it: bilingual when it is, else English only (the
// policy table has no Chinese text for it yet), which the Chinese page says.
function legalReference(d) {
  const ref = pick(d, "legal_reference");
  if (!ref) return "—";
  if (typeof ref === "object" || language() === "en") return bi(ref);
  return [t("legal_reference_en_only"), " ", h("span", { translate: "no", lang: "en" }, ref)];
}

function decision(body, couple, after) {
  const d = pick(body, "decision") || body;
  const outcome = pick(d, "outcome") ?? "";
  const reasons = (pick(d, "reasons") || []).map((r) => h("li", null, bi(r)));
  // Record keys (feed|source|record id): identifiers, shown as they are.
  const evidence = (pick(d, "evidence") || []).map((e) => h("li", { translate: "no" }, typeof e === "string" ? e : bi(e) || JSON.stringify(e)));
  const issued = h("div", { id: "permit-result" });
  const issue = outcome === "eligible" ? busyButton(t("issue_permit"), async () => {
    try {
      const permit = await call("/v1/permits", { method: "POST", body: couple });
      issued.replaceChildren(h("div", { class: "verdict good" }, t("permit_issued", {
        no: pick(permit, "permit_no", "certificate_no", "number", "id") ?? "" })));
      after();
    } catch (err) { issued.replaceChildren(failure(err, { missingRoute: true })); }
  }, { class: "primary", id: "issue-permit" }) : null;
  return h("div", { id: "decision" },
    h("div", { class: `verdict ${TONES[outcome] || ""}`, "data-outcome": outcome }, t(`outcome_${outcome}`),
      pick(d, "child_order") ? ` · ${t("child_order_n", { n: pick(d, "child_order") })}` : ""),
    h("dl", { class: "facts" },
      h("dt", null, t("permit_kind")), h("dd", null, pick(d, "permit_kind") ? t(`permit_${pick(d, "permit_kind")}`) : "—"),
      h("dt", null, t("policy_version")), h("dd", { translate: "no" }, `${pick(d, "policy_version") ?? ""} ${pick(d, "rule_id") ?? ""}`),
      h("dt", null, t("legal_reference")), h("dd", null, legalReference(d))),
    h("h2", null, t("reasons")), h("ul", { id: "reasons" }, reasons),
    h("h2", null, t("evidence")), h("ul", { id: "evidence" }, evidence), issue, issued);
}

function permitsTable(body) {
  const rows = listOf(body, "permits");
  return table([
    { label: t("permit_no"), value: (r) => pick(r, "permit_no", "certificate_no", "number", "id") ?? "" },
    { label: t("event_kind"), value: (r) => t(`event_${pick(r, "kind") ?? ""}`) },
    { label: t("event_on"), value: (r) => pick(r, "on") ?? "" },
    { label: t("husband"), value: (r) => personLink({ pid: pick(r, "husband") }) },
    { label: t("wife"), value: (r) => personLink({ pid: pick(r, "wife") }) },
    { label: t("child_order"), value: (r) => pick(r, "child_order") ?? "" },
  ], rows, { rowClass: (r) => (/revok/.test(String(pick(r, "kind"))) ? "hl" : null) });
}

export function eligibilityView(main, husband = "", wife = "") {
  const out = h("div", { id: "eligibility-result" });
  const permits = h("div", { id: "permits-list" });
  const refresh = () => load(permits, () => call("/v1/permits", { query: { limit: 50 } }), permitsTable,
    { isEmpty: (b) => listOf(b, "permits").length === 0, emptyText: t("no_permits") });
  const ih = h("input", { id: "el-husband", required: true, maxlength: 64, value: husband, placeholder: t("ref_placeholder") });
  const iw = h("input", { id: "el-wife", required: true, maxlength: 64, value: wife, placeholder: t("ref_placeholder") });
  const asOf = h("input", { id: "el-as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const form = h("form", { class: "inline", id: "eligibility-form", onsubmit: (e) => {
    e.preventDefault();
    const couple = { husband: ih.value.trim(), wife: iw.value.trim(), as_of: asOf.value || undefined };
    load(out, () => call("/v1/eligibility", { method: "POST", body: couple }), (b) => decision(b, couple, refresh));
  } }, h("label", { class: "field" }, t("husband"), ih), h("label", { class: "field" }, t("wife"), iw),
  h("label", { class: "field" }, t("as_of"), asOf), h("button", { class: "primary", type: "submit" }, t("decide")));
  main.append(h("h1", null, t("eligibility_title")), card(null, h("p", { class: "muted" }, t("eligibility_hint")), form),
    card(t("decision"), out), card(t("recent_permits"), permits));
  out.replaceChildren(h("div", { class: "state empty" }, t("eligibility_empty")));
  refresh();
}
