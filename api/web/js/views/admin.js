// Admin only: data loads with their per-file counts, and the audit log.
import { call, listOf } from "../api.js";
import { has, t } from "../i18n.js";
import { h, card, load, table, pick } from "../ui.js";
import { feedText } from "../records.js";

// "2026-12-06T04:12:06.996Z" -> "2026-12-06 04:12:06" in the browser's time zone.
export function when(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// A declared purpose: its code named, a case reference after ":" kept as given.
function purposeText(value) {
  const [code, ...ref] = String(value ?? "").split(":");
  const name = has(`purpose_${code}`) ? t(`purpose_${code}`) : h("span", { translate: "no" }, code);
  return ref.length ? [name, " ", h("span", { translate: "no" }, ref.join(":"))] : name;
}

const sum = (files, key) => files.reduce((n, f) => n + (Number(f[key]) || 0), 0);

function files(row) {
  const list = row.files || [];
  if (!list.length) return "";
  return h("details", null, h("summary", null, t("files_n", { n: list.length })), table([
    { label: t("file"), value: (f) => h("span", { translate: "no" }, f.file) },
    { label: t("feed"), value: (f) => feedText(f.feed) },
    { label: t("encoding"), value: (f) => h("span", { translate: "no" }, f.encoding ?? "") },
    { label: t("rows_read"), value: (f) => String(f.read ?? 0) },
    { label: t("rows_applied"), value: (f) => String(f.applied ?? 0) },
    { label: t("rows_quarantined"), value: (f) => String(f.quarantined ?? 0) },
    { label: t("file_error"), value: (f) => (f.error ? h("span", { translate: "no" }, f.error) : "") },
  ], list));
}

function loads(body) {
  return table([
    { label: t("load_id"), value: (r) => h("span", { translate: "no" }, r.load_id) },
    { label: t("load_drop"), value: (r) => h("span", { translate: "no" }, r.drop ?? "") },
    { label: t("status"), value: (r) => t(`load_status_${r.status ?? "unknown"}`) },
    { label: t("load_started"), value: (r) => when(r.started) },
    { label: t("load_finished"), value: (r) => when(r.finished) },
    { label: t("rows_read"), value: (r) => String(sum(r.files || [], "read")) },
    { label: t("rows_applied"), value: (r) => String(sum(r.files || [], "applied")) },
    { label: t("rows_quarantined"), value: (r) => String(sum(r.files || [], "quarantined")) },
    { label: t("load_files"), value: files },
  ], listOf(body, "loads"));
}

function audit(body) {
  return table([
    { label: t("at"), value: (r) => when(r.at) }, { label: t("key_id"), value: (r) => h("span", { translate: "no" }, r.key_id) },
    { label: t("route"), value: (r) => h("code", { translate: "no" }, `${r.method} ${r.route}`) },
    { label: t("purpose"), value: (r) => purposeText(r.purpose) },
    { label: t("http_status"), value: (r) => String(r.status) },
    { label: t("persons_n"), value: (r) => String(pick(r, "pid_count") ?? pick(r, "pids")?.length ?? 0) },
  ], listOf(body));
}

export function adminView(main) {
  const l = h("div", { id: "loads" }); const a = h("div", { id: "audit" });
  main.append(h("h1", null, t("admin_title")), card(t("loads_title"), l), card(t("audit_title"), a));
  load(l, () => call("/v1/loads"), loads, { isEmpty: (b) => listOf(b, "loads").length === 0 });
  load(a, () => call("/v1/audit", { query: { limit: 50 } }), audit, { isEmpty: (b) => listOf(b).length === 0 });
}
