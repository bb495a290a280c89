// Standard exports of a person's family, on the person page: the pedigree as GEDCOM 7
// (GET /v1/persons/{ref}/pedigree?format=gedcom) and the family as a FHIR R4 Bundle of
// RelatedPerson and FamilyMemberHistory (GET /v1/persons/{ref}/fhir), downloaded as files
// with a line saying what each holds.
import { call } from "../api.js";
import { t } from "../i18n.js";
import { h, card, busyButton, failure } from "../ui.js";
import { download } from "../export.js";

// What a GEDCOM file holds: its individuals and families (level-0 records).
export function gedcomCounts(text) {
  return { persons: (text.match(/^0 @[^@]+@ INDI\b/gm) || []).length,
    families: (text.match(/^0 @[^@]+@ FAM\b/gm) || []).length };
}

// What a FHIR Bundle holds, by resource type.
export function fhirCounts(bundle) {
  const by = {};
  for (const e of bundle.entry || []) {
    const type = e.resource?.resourceType;
    if (type) by[type] = (by[type] || 0) + 1;
  }
  return { related: by.RelatedPerson || 0, histories: by.FamilyMemberHistory || 0,
    conditions: (bundle.entry || []).reduce((n, e) => n + (e.resource?.condition?.length || 0), 0) };
}

export function exportsCard(pid) {
  const base = `/v1/persons/${encodeURIComponent(pid)}`;
  const up = h("select", { id: "gedcom-up", "aria-label": t("ped_up") }, [1, 2, 3, 4, 5, 6].map((n) => h("option", { value: n, selected: n === 3 }, String(n))));
  const down = h("select", { id: "gedcom-down", "aria-label": t("ped_down") }, [1, 2, 3, 4, 5, 6].map((n) => h("option", { value: n, selected: n === 3 }, String(n))));
  const degree = h("select", { id: "fhir-degree", "aria-label": t("max_degree") }, [1, 2, 3, 4].map((n) => h("option", { value: n, selected: n === 3 }, String(n))));
  const status = h("div", { id: "exports-result", role: "status" });
  const say = (node) => status.replaceChildren(node);

  const gedcom = busyButton(t("download_gedcom"), async () => {
    try {
      const res = await call(`${base}/pedigree`, { query: { format: "gedcom", up: up.value, down: down.value }, raw: true });
      const text = await res.text();
      download(`pedigree-${pid}.ged`, text, "text/vnd.familysearch.gedcom;charset=utf-8");
      say(h("p", { id: "gedcom-done", class: "muted" }, t("gedcom_done", gedcomCounts(text))));
    } catch (err) { say(failure(err)); }
  }, { id: "download-gedcom" });

  const fhir = busyButton(t("download_fhir"), async () => {
    try {
      const bundle = await call(`${base}/fhir`, { query: { max_degree: degree.value } });
      download(`family-${pid}.fhir.json`, `${JSON.stringify(bundle, null, 2)}\n`, "application/fhir+json");
      say(h("p", { id: "fhir-done", class: "muted" }, t("fhir_done", fhirCounts(bundle))));
    } catch (err) { say(failure(err)); }
  }, { id: "download-fhir" });

  return card(t("exports_title"), h("p", { class: "muted" }, t("exports_hint")),
    h("div", { class: "row" }, h("label", { class: "row" }, t("ped_up"), up),
      h("label", { class: "row" }, t("ped_down"), down), gedcom),
    h("div", { class: "row" }, h("label", { class: "row" }, t("max_degree"), degree), fhir),
    status);
}
