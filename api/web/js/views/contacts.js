// Infectious-disease contacts (传染病密切接触者): who shared a household, a dwelling or an
// employer with an index case in a window, and the index case's close kin, closest first
// (GET /v1/persons/{ref}/contacts); a CSV or Excel list for the field team.
// Route: #/contacts/{ref}/{from}/{to}/{ring}.
import { call } from "../api.js";
import { t } from "../i18n.js";
import { h, card, load, table, pick, personLink, personName } from "../ui.js";
import { placeName } from "../trajectory.js";
import { recordsOf } from "../records.js";
import { exportBar } from "./thalassemia.js";

const KINDS = ["household", "cohabitation", "colleague", "kin"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isoDay(d) { return d.toISOString().slice(0, 10); }

// The last 30 days up to today.
function lastThirtyDays() {
  const end = new Date();
  const start = new Date(end.getTime() - 29 * 86400000);
  return [isoDay(start), isoDay(end)];
}

// Where a link was shared, as an officer reads it: the employer's name, the dwelling's or
// household's division (and its id), the kin relation.
function placeText(link) {
  if (link.kind === "kin") return t(`kinrel_${link.place ?? ""}`);
  const where = link.place_division ? placeName(link.place_division) : "";
  if (link.kind === "colleague") return link.place_name || link.place || where;
  return where || link.place || "";
}

function placeNode(link) {
  if (link.kind === "kin") return placeText(link);
  const verbatim = link.kind === "colleague" ? (link.place_name || link.place) : link.place;
  const where = link.kind === "colleague" ? "" : (link.place_division ? placeName(link.place_division) : "");
  return [where, where && verbatim ? " " : "", verbatim ? h("span", { translate: "no", class: "muted" }, verbatim) : ""];
}

function span(link) {
  if (!link.first_day || !link.last_day) return "";
  return link.first_day === link.last_day ? link.first_day : `${link.first_day} – ${link.last_day}`;
}

function linkLine(link) {
  return h("li", { "data-kind": link.kind }, h("b", null, t(`contact_${link.kind}`)), " ",
    placeNode(link), " · ", t("days_n", { n: link.days }),
    span(link) ? h("span", { class: "muted" }, ` (${span(link)})`) : "");
}

const ringText = (r, byPid) => (r.ring === 1 ? t("ring_1")
  : t("ring_2_via", { name: personName(byPid.get(r.via) || { pid: r.via }) }));
const residence = (r) => r.residence_name || (r.residence ? placeName(r.residence) : t("division_unknown"));

// The field team's list: plain text columns (names, masked ID numbers, places, days).
function exportColumns(byPid) {
  return [
    { label: t("rank"), value: (r, i) => i + 1 },
    { label: t("name"), value: (r) => pick(r, "person.name") ?? "" },
    { label: t("pid"), value: (r) => pick(r, "person.pid", "person.ref") ?? "" },
    { label: t("id_number"), value: (r) => pick(r, "person.id_number") ?? "" },
    { label: t("contact_ring"), value: (r) => ringText(r, byPid) },
    { label: t("contact_kinds"), value: (r) => r.kinds.map((k) => t(`contact_${k}`)).join("、") },
    { label: t("contact_days"), value: (r) => r.days },
    { label: t("contact_places"), value: (r) => r.links.map((l) => `${t(`contact_${l.kind}`)} ${placeText(l)} ${t("days_n", { n: l.days })}`.trim()).join("；") },
    { label: t("contact_span"), value: (r) => r.links.map(span).filter(Boolean).join("；") },
    { label: t("residence"), value: residence },
  ];
}

function contactsTable(body) {
  const rows = body.items;
  const byPid = new Map(rows.map((r) => [pick(r, "person.pid", "person.ref"), r.person]));
  const columns = [
    { label: t("rank"), value: (r, i) => i + 1 },
    { label: t("contact_person"), value: (r) => personLink(r.person) },
    { label: t("contact_ring"), value: (r) => ringText(r, byPid) },
    { label: t("contact_links"), value: (r) => h("ul", { class: "links" }, r.links.map(linkLine)) },
    { label: t("contact_days"), value: (r) => String(r.days) },
    { label: t("residence"), value: residence },
    { label: t("source_records"), value: (r) => recordsOf([...new Set(r.links.flatMap((l) => l.records || []))], pick(r, "person.pid")) },
  ];
  const summary = h("p", { class: "muted", id: "contacts-summary" }, t("contacts_summary", {
    name: personName(body.index), from: body.start, to: body.end, n: body.count,
    kinds: body.kinds.map((k) => t(`contact_${k}`)).join("、") }));
  return h("div", null, summary, exportBar("contacts", exportColumns(byPid), rows),
    table(columns, rows, { rowClass: (r) => (r.ring === 2 ? "ring2" : null), stack: true }));
}

export function contactsView(main, ref = "", from = "", to = "", ring = "1") {
  const [start, end] = DAY.test(from) && DAY.test(to) ? [from, to] : lastThirtyDays();
  const out = h("div", { id: "contacts-result" });
  const who = h("input", { id: "contacts-ref", required: true, maxlength: 64, value: ref, placeholder: t("ref_placeholder") });
  const first = h("input", { id: "contacts-from", type: "date", required: true, value: start });
  const last = h("input", { id: "contacts-to", type: "date", required: true, value: end });
  const rings = h("select", { id: "contacts-ring" }, ["1", "2"].map((n) =>
    h("option", { value: n, selected: n === String(ring) }, t(`ring_choice_${n}`))));
  const boxes = KINDS.map((k) => h("label", { class: "check" },
    h("input", { type: "checkbox", class: "contact-kind", value: k, checked: true }), t(`contact_${k}`)));
  const form = h("form", { class: "inline", id: "contacts-form", onsubmit: (e) => {
    e.preventDefault();
    const kinds = boxes.map((b) => b.firstChild).filter((b) => b.checked).map((b) => b.value);
    const path = [who.value.trim(), first.value, last.value, rings.value].map(encodeURIComponent).join("/");
    history.replaceState(null, "", `#/contacts/${path}`);
    load(out, () => call(`/v1/persons/${encodeURIComponent(who.value.trim())}/contacts`, {
      query: { from: first.value, to: last.value, ring: rings.value,
        kinds: kinds.length === KINDS.length ? "" : kinds.join(",") } }),
    contactsTable, { isEmpty: (b) => b.items.length === 0, emptyText: t("no_contacts") });
  } }, h("label", { class: "field" }, t("index_case"), who),
  h("label", { class: "field" }, t("window_from"), first), h("label", { class: "field" }, t("window_to"), last),
  h("label", { class: "field" }, t("contact_ring"), rings),
  h("fieldset", { class: "kinds" }, h("legend", null, t("contact_kinds")), boxes),
  h("button", { class: "primary", type: "submit" }, t("find_contacts")));
  main.append(h("h1", null, t("contacts_title")),
    card(null, h("p", { class: "muted" }, t("contacts_hint")), form), out);
  if (ref) form.requestSubmit();
}
