// Birth-permit decision: the application checked, the couple named, the decision sheet with
// its legal basis and readable evidence (keys on demand), printable; the permit issued.
import { call, listOf } from "../api.js";
import { t, bi, language } from "../i18n.js";
import { h, card, load, table, pick, personLink, busyButton, failure, loading, sexText } from "../ui.js";
import { useStyle } from "../styles.js";
import { labelled } from "../cards.js";

const TONES = { eligible: "good", ineligible: "bad", needs_review: "warn" };
let table_ = null; // the policy table in force (GET /v1/policy), once per page load

async function policyTable() {
  if (!table_) table_ = await call("/v1/policy");
  return table_;
}

function couple(sheet) {
  const m = sheet.marriage;
  const married = m ? [h("span", null, t("married_on_date", { date: m.married_on })),
    m.inferred ? h("span", { class: "badge warn", id: "marriage-inferred" }, t("marriage_inferred")) : null]
    : "—";
  const rows = [["husband", sheet.husband], ["wife", sheet.wife]];
  return h("div", { id: "couple" },
    labelled([
      { label: t("role"), value: ([role]) => h("b", null, t(role)) },
      { label: t("name"), value: ([, s]) => personLink(s.person || {}), cls: "name" },
      { label: t("sex"), value: ([, s]) => sexText(s.person?.sex) },
      { label: t("birth_date"), value: ([, s]) => s.person?.birth_date ?? "—" },
      { label: t("id_number"), value: ([, s]) => s.person?.id_number ?? "—", translate: "no" },
      { label: t("registered_division"), value: ([, s]) => s.division_name || t("division_unknown_short"), cls: "division" },
    ], rows, { cls: "couple", row: ([role]) => ({ "data-role": role }) }),
    h("p", { class: "marriage" }, h("b", null, t("marriage")), "：", married));
}

function orders(d) {
  const all = pick(d, "child_order");
  const own = pick(d, "child_order_couple");
  if (!all && !own) return "—";
  return h("span", { id: "child-orders" },
    h("span", { "data-order": "all" }, t("child_order_all", { n: all ?? "?" })), "；",
    h("span", { "data-order": "couple" }, t("child_order_couple", { n: own ?? "?" })));
}

function evidenceTable(rows) {
  const keys = h("button", { type: "button", id: "show-keys", class: "no-print", onclick: () => {
    box.classList.toggle("with-keys");
    keys.textContent = box.classList.contains("with-keys") ? t("hide_keys") : t("show_keys");
  } }, t("show_keys"));
  const box = h("div", { id: "evidence" }, labelled([
    { label: t("record_type"), value: (r) => bi(r.record_type) },
    { label: t("record_date"), value: (r) => r.on ?? "—" },
    { label: t("department"), value: (r) => bi(r.department) },
    { label: t("proves"), value: (r) => h("ul", { class: "proves" }, (r.proves || []).map((p) => h("li", null, bi(p)))) },
    { label: t("record_key"), value: (r) => h("code", { class: "key", translate: "no" }, r.key), cls: "key-cell" },
  ], rows));
  return h("div", null, h("div", { class: "row" }, h("span", { class: "muted" }, t("evidence_hint")),
    h("span", { class: "spacer" }), keys), box);
}

function sheetView(sheet, request, after) {
  const d = sheet.decision;
  const outcome = d.outcome ?? "";
  const issued = h("div", { id: "permit-result" });
  const issue = outcome === "eligible" ? busyButton(t("issue_permit"), async () => {
    try {
      const permit = await call("/v1/permits", { method: "POST", body: request });
      issued.replaceChildren(h("div", { class: "verdict good" }, permit.permit_no
        ? t("permit_issued", { no: permit.permit_no }) : t("permit_held")));
      after();
    } catch (err) { issued.replaceChildren(failure(err, { missingRoute: true })); }
  }, { class: "primary no-print", id: "issue-permit" }) : null;
  const print = h("button", { type: "button", id: "print-sheet", class: "no-print", onclick: () => window.print() },
    t("print_sheet"));
  return h("article", { id: "decision", class: "decision-sheet", lang: language() === "zh" ? "zh-CN" : "en" },
    h("header", { class: "sheet-head" }, h("h2", null, t("sheet_title")),
      h("div", { class: "muted" }, t("sheet_date", { date: sheet.as_of }))),
    couple(sheet),
    h("div", { class: `verdict ${TONES[outcome] || ""}`, "data-outcome": outcome }, t(`outcome_${outcome}`)),
    h("dl", { class: "facts" },
      h("dt", null, t("child_order")), h("dd", null, orders(d)),
      h("dt", null, t("permit_kind")), h("dd", null, d.permit_kind ? t(`permit_${d.permit_kind}`) : "—"),
      h("dt", null, t("rule")), h("dd", { translate: "no" }, d.rule_id ?? "—"),
      h("dt", null, t("legal_reference")), h("dd", { id: "legal-basis" }, bi(d.legal_basis)),
      h("dt", null, t("policy_version")), h("dd", { id: "policy-version", translate: "no" },
        `${d.policy_version} · ${t("table_version")} ${d.table_version} (${d.table_digest})`)),
    h("h3", null, t("reasons")), h("ul", { id: "reasons" }, (d.reasons || []).map((r) => h("li", null, bi(r)))),
    h("h3", null, t("evidence")), evidenceTable(sheet.evidence || []),
    h("footer", { class: "sheet-foot" }, h("span", null, t("sheet_officer")), h("span", null, t("sheet_signature"))),
    h("div", { class: "row no-print" }, print, issue), issued);
}

function permitsTable(body) {
  const rows = listOf(body, "permits");
  return table([
    { label: t("permit_no"), value: (r) => h("span", { translate: "no" }, pick(r, "permit_no") ?? "") },
    { label: t("event_kind"), value: (r) => t(`event_${pick(r, "kind") ?? ""}`) },
    { label: t("event_on"), value: (r) => pick(r, "on") ?? "" },
    { label: t("husband"), value: (r) => personLink({ pid: pick(r, "husband") }) },
    { label: t("wife"), value: (r) => personLink({ pid: pick(r, "wife") }) },
    { label: t("child_order"), value: (r) => pick(r, "child_order") ?? "" },
  ], rows, { rowClass: (r) => (/revok|department/.test(String(pick(r, "kind"))) ? "hl" : null) });
}

// The application is checked by the API (sex, a marriage in force, the table's range): a
// refusal names each field, in the page's language.
function decide(out, request, refresh) {
  out.replaceChildren(loading());
  call("/v1/eligibility/sheet", { method: "POST", body: request })
    .then((sheet) => out.replaceChildren(sheetView(sheet, request, refresh)))
    .catch((err) => out.replaceChildren(failure(err, { missingRoute: true })));
}

export function eligibilityView(main, husband = "", wife = "") {
  useStyle("decision.css");
  const out = h("div", { id: "eligibility-result" });
  const permits = h("div", { id: "permits-list" });
  const refresh = () => load(permits, () => call("/v1/permits", { query: { limit: 50 } }), permitsTable,
    { isEmpty: (b) => listOf(b, "permits").length === 0, emptyText: t("no_permits") });
  const ih = h("input", { id: "el-husband", required: true, maxlength: 64, value: husband, placeholder: t("ref_placeholder") });
  const iw = h("input", { id: "el-wife", required: true, maxlength: 64, value: wife, placeholder: t("ref_placeholder") });
  const asOf = h("input", { id: "el-as-of", type: "date", value: new Date().toISOString().slice(0, 10) });
  const range = h("p", { class: "muted", id: "policy-range" });
  const form = h("form", { class: "inline no-print", id: "eligibility-form", onsubmit: (e) => {
    e.preventDefault();
    decide(out, { husband: ih.value.trim(), wife: iw.value.trim(), as_of: asOf.value || undefined }, refresh);
  } }, h("label", { class: "field" }, t("husband"), ih), h("label", { class: "field" }, t("wife"), iw),
  h("label", { class: "field" }, t("as_of"), asOf), h("button", { class: "primary", type: "submit" }, t("decide")));
  main.append(h("h1", { class: "no-print" }, t("eligibility_title")),
    card(null, h("p", { class: "muted" }, t("eligibility_hint")), form, range),
    h("section", { class: "card sheet-card" }, out), card(t("recent_permits"), permits));
  out.replaceChildren(h("div", { class: "state empty" }, t("eligibility_empty")));
  policyTable().then((p) => {
    range.replaceChildren(t("policy_range", { from: p.covers_from, until: p.covers_until ?? "—" }), " ",
      h("span", { translate: "no" }, `${p.table_version} (${p.digest})`));
  }).catch(() => {});
  refresh();
}
