// What an API problem means to an officer, in their language: the problem's status, its
// reason code when the catalogue knows it, and each invalid field with its reason code.
// The engine's own words (English, for developers) stay behind "technical details".
import { has, t } from "./i18n.js";
import { h } from "./ui.js";

const STATUS_KEYS = { 0: "err_network", 400: "err_400", 401: "err_401", 403: "err_403", 404: "err_404",
  405: "err_404", 422: "err_422", 429: "err_429", 502: "err_5xx", 503: "err_503" };

// Reason codes that share one explanation (a screening or genotype record the engine
// cannot read: screening_empty_result, genotype_unknown_allele...).
const REASON_GROUPS = [[/^(screening|genotype)_/, "why_screening_data"]];

export function statusText(err) {
  if (err?.reason === "person_not_found") return t("err_person_not_found");
  const key = STATUS_KEYS[err?.status] || (err?.status >= 500 ? "err_5xx" : "err_unknown");
  return t(key);
}

// Why, from the problem's machine-readable reason (never its English detail): the
// catalogue's why_<reason>, or null when the reason adds nothing to the status (the
// problem code itself, invalid fields listed one by one) or the catalogue lacks it.
export function reasonText(err) {
  const reason = String(err?.reason || "");
  if (!reason || reason === err?.code || reason === "invalid_fields") return null;
  if (has(`why_${reason}`)) return t(`why_${reason}`);
  const group = REASON_GROUPS.find(([pattern]) => pattern.test(reason));
  return group ? t(group[1]) : null;
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
