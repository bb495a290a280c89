// What an API problem means to an officer, in their language: the problem's status, the
// engine's reason when the catalogue knows it, and each invalid field with its reason.
// The engine's own words (English, for developers) stay behind "technical details".
import { has, t } from "./i18n.js";
import { h } from "./ui.js";

const STATUS_KEYS = { 0: "err_network", 400: "err_400", 401: "err_401", 403: "err_403", 404: "err_404",
  405: "err_404", 422: "err_422", 429: "err_429", 502: "err_5xx", 503: "err_503" };

// The engine's reasons (queries/, api/) by the words of their detail: catalogue keys.
const REASONS = [
  [/index_case_carries_no_thalassemia_allele/, "why_index_no_allele"],
  [/index_case_not_screened/, "why_index_not_screened"],
  [/index_not_a_alpha_carrier/, "why_index_not_alpha"],
  [/index_not_a_beta_carrier/, "why_index_not_beta"],
  [/index_not_in_pedigree/, "why_index_not_in_pedigree"],
  [/own_ancestor|own ancestor/, "why_own_ancestor"],
  [/a person and themselves/, "why_same_person"],
  [/carried by more than one person/, "why_id_shared"],
  [/level must be county or prefecture/, "why_flows_range"],
  [/screening_unknown_conclusion|screening_empty_result|genotype_not_two_alleles/, "why_screening_data"],
  [/degree must be between|up and down must be between|bound out of range/, "why_out_of_range"],
  [/rate limited/, "err_429"],
];

export function statusText(err) {
  if (err?.code === "person_not_found") return t("err_person_not_found");
  const key = STATUS_KEYS[err?.status] || (err?.status >= 500 ? "err_5xx" : "err_unknown");
  return t(key);
}

// The reason behind a problem, or null when the catalogue has none for its detail.
export function reasonText(err) {
  const detail = String(err?.detail || "");
  const found = REASONS.find(([pattern]) => pattern.test(detail));
  return found ? t(found[1]) : null;
}

function fieldText(e) {
  const name = String(e.field || "").split(".").pop();
  const label = has(`field_${name}`) ? t(`field_${name}`) : t("field_unnamed");
  const why = has(`invalid_${e.reason}`) ? t(`invalid_${e.reason}`) : t("invalid_other");
  return t("field_problem", { field: label, reason: why });
}

// The problem as elements: what happened, why (if known), which fields, and the engine's
// words folded away.
export function problemNodes(err) {
  const reason = reasonText(err);
  const fields = (err?.errors || []).map((e) => h("li", null, fieldText(e)));
  const raw = err?.detail && !reason && !fields.length
    ? h("details", { class: "technical" }, h("summary", null, t("technical_details")),
      h("code", { translate: "no" }, err.detail)) : null;
  return [statusText(err), reason ? h("div", { class: "reason" }, reason) : null,
    fields.length ? h("ul", { class: "field-errors" }, fields) : null, raw];
}
