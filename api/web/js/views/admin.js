// Admin only: data loads and quarantine counts, and the audit log.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, table, pick } from "../ui.js";

function loads(body) {
  const rows = listOf(body, "loads");
  const keys = rows.length ? Object.keys(rows[0]).filter((k) => typeof rows[0][k] !== "object") : [];
  return table(keys.map((k) => ({ label: k, value: (r) => String(r[k] ?? "") })), rows);
}

function audit(body) {
  return table([
    { label: t("at"), value: (r) => r.at }, { label: t("key_id"), value: (r) => r.key_id },
    { label: t("route"), value: (r) => `${r.method} ${r.route}` }, { label: t("purpose"), value: (r) => r.purpose },
    { label: t("status"), value: (r) => String(r.status) }, { label: t("persons_n"), value: (r) => String(pick(r, "pids")?.length ?? 0) },
  ], listOf(body));
}

export function adminView(main) {
  const l = h("div", { id: "loads" }); const a = h("div", { id: "audit" });
  main.append(h("h1", null, t("admin_title")), card(t("loads_title"), l), card(t("audit_title"), a));
  load(l, () => call("/v1/loads"), loads, { isEmpty: (b) => listOf(b, "loads").length === 0 });
  load(a, () => call("/v1/audit", { query: { limit: 50 } }), audit, { isEmpty: (b) => listOf(b).length === 0 });
}
