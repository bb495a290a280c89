// The person page: identity, pedigree, relatives, residence trajectory, source records.
import { call, listOf } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, table, pick, sexText, ethnicityText, personOf, personLink,
  termText, busyButton } from "../ui.js";
import { personRecords, recordsOf, recordsTable } from "../records.js";
import { pedigreeView, normalisePedigree } from "../pedigree/index.js";
import { trajectoryCharts, trajectoryData } from "../trajectory.js";
import { exportsCard } from "./exports.js";

function identity(p) {
  const rows = [
    [t("name"), p.name ?? p.ref], [t("sex"), sexText(p.sex)],
    [t("birth_date"), p.birth_date ?? p.birth_year], [t("death_date"), p.death_date ?? p.death_year],
    [t("ethnicity"), ethnicityText(p.ethnicity)],
    [t("id_number"), p.id_number ? `${p.id_number}${p.id_number_masked ? ` (${t("masked")})` : ""}` : ""],
    [t("pid"), p.pid ?? p.ref],
  ];
  return h("dl", { class: "facts", id: "identity" },
    rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v ?? "—")]));
}

function relatives(body, pid) {
  const rows = listOf(body, "relatives");
  return table([
    { label: t("relative"), value: (r) => personLink(personOf(r)) },
    { label: t("kin_term"), value: (r) => termText(r) },
    { label: t("degree"), value: (r) => pick(r, "degree", "distance") ?? "" },
    { label: t("phi"), value: (r) => phiText(pick(r, "phi", "kinship", "kinship_coefficient")) },
    { label: t("sex"), value: (r) => sexText(personOf(r).sex) },
    { label: t("birth_date"), value: (r) => pick(personOf(r), "birth_date", "birth_year") ?? "" },
    { label: t("edge_kind"), value: (r) => t(`edge_${pick(r, "kind") ?? ""}`) },
    { label: t("source_records"), value: (r) => recordsOf(pick(r, "records"), pid) },
  ], rows);
}

export function phiText(value) {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return pick(value, "fraction", "text") ?? String(value.value ?? "");
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  const inv = n > 0 ? 1 / n : 0;
  return n > 0 && Math.abs(inv - Math.round(inv)) < 1e-6 ? `1/${Math.round(inv)}` : n.toFixed(4);
}

function section(title, id) {
  const box = h("div", { id });
  return { box, node: card(title, box) };
}

export function personView(main, pid) {
  const base = `/v1/persons/${encodeURIComponent(pid)}`;
  const id = section(t("identity"), "identity-box");
  const ped = section(t("pedigree"), "pedigree-box");
  const rel = section(t("relatives"), "relatives-box");
  const traj = section(t("trajectory"), "trajectory-box");
  const src = section(t("source_records"), "sources-box");
  src.box.append(h("p", { class: "muted" }, t("sources_hint")), h("div", { class: "row" },
    busyButton(t("show_sources"), () => load(src.box, () => personRecords(pid), recordsTable,
      { isEmpty: (b) => b.items.length === 0 }), { id: "show-sources" }),
    h("a", { class: "link", href: `#/review/${encodeURIComponent(pid)}`, id: "to-unmerge" },
      t("unmerge_this"))));
  const uses = h("div", { class: "row", id: "person-uses" },
    h("a", { class: "link", href: `#/contacts/${encodeURIComponent(pid)}`, id: "to-contacts" }, t("to_contacts")),
    h("a", { class: "link", href: `#/conditions/cascade/g6pd_deficiency/${encodeURIComponent(pid)}`,
      id: "to-conditions" }, t("to_condition_cascade")));
  main.append(h("h1", { id: "person-title" }, t("person_title")), uses,
    id.node, ped.node, rel.node, traj.node, src.node, exportsCard(pid));
  load(id.box, () => call(base), (p) => {
    document.getElementById("person-title").textContent = `${t("person_title")}: ${p.name ?? p.ref}`;
    return identity(p);
  });
  load(ped.box, () => call(`${base}/pedigree`, { query: { up: 3, down: 3, format: "json" } }),
    (b) => pedigreeView(b, pid),
    { isEmpty: (b) => normalisePedigree(b, pid).members.length === 0 });
  load(rel.box, () => call(`${base}/relatives`, { query: { max_degree: 3 } }), (b) => relatives(b, pid),
    { isEmpty: (b) => listOf(b, "relatives").length === 0, emptyText: t("no_relatives") });
  load(traj.box, () => trajectoryData(base), trajectoryCharts,
    { isEmpty: (b) => listOf(b, "periods", "segments", "moves").length === 0,
      emptyText: t("no_trajectory") });
}
