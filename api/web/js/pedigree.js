// A pedigree chart in SVG: squares and circles, deceased struck through, carriers
// half-filled, patients filled, marriages joined, divorces marked "//".
import { t } from "./i18n.js";
import { h, s, pick, personName } from "./ui.js";

const R = 15;          // symbol half-size
const DX = 92;         // horizontal spacing
const DY = 110;        // generation spacing
const PAD = 46;

function statusOf(m) {
  const raw = String(pick(m, "status", "phenotype", "thalassemia", "attrs.phenotype",
    "attrs.conclusion", "screening.conclusion", "conclusion", "carrier_status") ?? "").toLowerCase();
  if (/patient|affected|major|intermedia|患者|重型|中间型|hbh/.test(raw)) return "patient";
  if (/carrier|trait|minor|携带|轻型/.test(raw)) return "carrier";
  return null;
}

function refOf(value) {
  if (value == null) return null;
  return typeof value === "object" ? pick(value, "pid", "ref") ?? null : String(value);
}

function member(raw) {
  const p = pick(raw, "person") || raw;
  const born = pick(p, "birth_date", "birth_year");
  return {
    pid: refOf(pick(raw, "id", "pid", "ref") ?? pick(p, "pid", "ref")), name: personName(p),
    sex: String(pick(p, "sex") ?? "0"),
    dead: raw.deceased === true || Boolean(pick(p, "death_date", "death_year")),
    born: born ? String(born).slice(0, 4) : "", status: statusOf(raw),
    father: refOf(pick(raw, "father", "father_pid")), mother: refOf(pick(raw, "mother", "mother_pid")),
    adoptive: [refOf(pick(raw, "adoptive_father")), refOf(pick(raw, "adoptive_mother"))].filter(Boolean),
    spouses: (pick(raw, "spouses") || []).map(refOf),
  };
}

function marriage(raw) {
  const a = refOf(pick(raw, "husband", "a", "source", "from"));
  const b = refOf(pick(raw, "wife", "b", "target", "to"));
  const ended = String(pick(raw, "end_reason", "ended") ?? "").toLowerCase();
  return { a, b, divorced: /divorc|离婚/.test(ended) || (Boolean(pick(raw, "ended_on")) &&
    !/death|死亡|widow/.test(ended)) };
}

// The API's pedigree JSON reduced to {index, members, marriages}.
export function normalisePedigree(body, index) {
  const list = Array.isArray(body) ? body : pick(body || {}, "members", "persons", "nodes", "items") || [];
  const members = list.map(member).filter((m) => m.pid);
  const known = new Set(members.map((m) => m.pid));
  let marriages = (pick(body || {}, "marriages", "unions", "couples") || []).map(marriage);
  if (marriages.length === 0) {
    marriages = members.flatMap((m) => m.spouses.filter((x) => x > m.pid || !known.has(x))
      .map((x) => ({ a: m.pid, b: x, divorced: false })));
  }
  marriages = marriages.filter((x) => known.has(x.a) && known.has(x.b));
  return { index: refOf(pick(body || {}, "index", "proband", "pid")) || index, members, marriages };
}

function generations(ped) {
  const by = new Map(ped.members.map((m) => [m.pid, m]));
  const gen = new Map([[by.has(ped.index) ? ped.index : ped.members[0]?.pid, 0]]);
  const queue = [...gen.keys()];
  const link = (a, b, g) => { if (b && by.has(b) && !gen.has(b)) { gen.set(b, g); queue.push(b); } };
  while (queue.length) {
    const pid = queue.shift();
    const m = by.get(pid); const g = gen.get(pid);
    [m.father, m.mother, ...m.adoptive].forEach((p) => link(pid, p, g - 1));
    ped.members.filter((c) => [c.father, c.mother, ...c.adoptive].includes(pid))
      .forEach((c) => link(pid, c.pid, g + 1));
    ped.marriages.filter((x) => x.a === pid || x.b === pid)
      .forEach((x) => link(pid, x.a === pid ? x.b : x.a, g));
  }
  return gen;
}

function spousesOf(ped, pid) {
  return ped.marriages.filter((x) => x.a === pid || x.b === pid).map((x) => (x.a === pid ? x.b : x.a));
}

function mean(values) {
  const v = values.filter((x) => x !== undefined);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

// Order one generation by a key, keeping spouses side by side.
function arrange(ped, row, key, x) {
  const keyed = row.map((pid, i) => [pid, key(pid) ?? x.get(pid) ?? i]);
  keyed.sort((p, q) => p[1] - q[1]);
  const out = []; const seen = new Set();
  for (const [pid] of keyed) {
    if (seen.has(pid)) continue;
    out.push(pid); seen.add(pid);
    for (const sp of spousesOf(ped, pid)) if (row.includes(sp) && !seen.has(sp)) { out.push(sp); seen.add(sp); }
  }
  out.forEach((pid, i) => x.set(pid, i));
  return out;
}

function layout(ped) {
  const gen = generations(ped);
  const by = new Map(ped.members.map((m) => [m.pid, m]));
  const levels = [...new Set(gen.values())].sort((a, b) => a - b);
  const rows = levels.map((g) => [...gen.keys()].filter((p) => gen.get(p) === g)
    .sort((a, b) => by.get(a).born.localeCompare(by.get(b).born)));
  const x = new Map();
  const parentsKey = (pid) => mean([by.get(pid).father, by.get(pid).mother].map((p) => x.get(p)));
  const childrenKey = (pid) => mean(ped.members.filter((c) => c.father === pid || c.mother === pid)
    .map((c) => x.get(c.pid)));
  rows.forEach((row, i) => { rows[i] = arrange(ped, row, parentsKey, x); });
  for (let i = rows.length - 2; i >= 0; i -= 1) rows[i] = arrange(ped, rows[i], childrenKey, x);
  rows.forEach((row, i) => { rows[i] = arrange(ped, row, parentsKey, x); });
  const widest = Math.max(...rows.map((r) => r.length));
  const pos = new Map();
  rows.forEach((row, level) => row.forEach((pid, i) => pos.set(pid, {
    x: PAD + (i + (widest - row.length) / 2) * DX, y: PAD + level * DY })));
  return { pos, width: PAD * 2 + (widest - 1) * DX, height: PAD * 2 + (rows.length - 1) * DY + 30 };
}

function symbol(m, p, isIndex) {
  const cls = { stroke: "#1f2933", "stroke-width": isIndex ? 3 : 1.5 };
  const g = s("g", { class: `pm ${m.status || "unaffected"}`, "data-pid": m.pid, "data-sex": m.sex });
  const fill = m.status === "patient" ? "#1f2933" : "#fff";
  if (m.sex === "1") g.append(s("rect", { x: p.x - R, y: p.y - R, width: 2 * R, height: 2 * R, fill, ...cls }));
  else if (m.sex === "2") g.append(s("circle", { cx: p.x, cy: p.y, r: R, fill, ...cls }));
  else g.append(s("path", { d: `M${p.x} ${p.y - R}L${p.x + R} ${p.y}L${p.x} ${p.y + R}L${p.x - R} ${p.y}Z`, fill, ...cls }));
  if (m.status === "carrier") {
    const d = m.sex === "1" ? `M${p.x - R} ${p.y - R}H${p.x}V${p.y + R}H${p.x - R}Z`
      : `M${p.x} ${p.y - R}A${R} ${R} 0 0 0 ${p.x} ${p.y + R}Z`;
    g.append(s("path", { d, fill: "#1f2933" }));
  }
  if (m.dead) g.append(s("line", { x1: p.x - R - 5, y1: p.y + R + 5, x2: p.x + R + 5, y2: p.y - R - 5, stroke: "#1f2933", "stroke-width": 1.6, class: "deceased" }));
  if (isIndex) g.append(s("path", { d: `M${p.x - R - 16} ${p.y + R + 12}L${p.x - R - 3} ${p.y + R - 1}M${p.x - R - 3} ${p.y + R - 1}l-7 1m7 -1l-1 7`, stroke: "#c0392b", "stroke-width": 2, fill: "none", class: "index-arrow" }));
  g.append(s("text", { x: p.x, y: p.y + R + 15, "text-anchor": "middle", "font-size": 12 }, m.name.slice(0, 7)));
  if (m.born) g.append(s("text", { x: p.x, y: p.y + R + 28, "text-anchor": "middle", "font-size": 10, fill: "#5f6c7b" }, m.born));
  g.append(s("title", null, `${m.name} ${m.born}`));
  return g;
}

function marriageLine(pos, x) {
  const a = pos.get(x.a); const b = pos.get(x.b);
  const [l, r] = a.x < b.x ? [a, b] : [b, a];
  const g = s("g", { class: x.divorced ? "marriage divorced" : "marriage" },
    s("line", { x1: l.x + R, y1: l.y, x2: r.x - R, y2: r.y, stroke: "#1f2933", "stroke-width": 1.5 }));
  if (x.divorced) {
    const mx = (l.x + r.x) / 2;
    g.append(s("path", { d: `M${mx - 6} ${l.y + 7}l6 -14M${mx} ${l.y + 7}l6 -14`, stroke: "#b42318", "stroke-width": 2 }));
  }
  return g;
}

function descent(ped, pos) {
  const groups = new Map();
  for (const c of ped.members) {
    const bio = [c.father, c.mother].filter((p) => pos.has(p));
    const parents = bio.length ? bio : c.adoptive.filter((p) => pos.has(p));
    if (!parents.length || !pos.has(c.pid)) continue;
    const key = `${parents.sort().join("+")}|${bio.length ? "b" : "a"}`;
    groups.set(key, [...(groups.get(key) || []), c.pid]);
  }
  return [...groups.entries()].map(([key, kids]) => {
    const [ps, kind] = key.split("|");
    const from = ps.split("+").map((p) => pos.get(p));
    const top = { x: mean(from.map((p) => p.x)), y: from[0].y + (from.length > 1 ? 0 : R) };
    const mid = top.y + (pos.get(kids[0]).y - top.y) / 2;
    const xs = kids.map((k) => pos.get(k).x);
    const d = [`M${top.x} ${top.y}V${mid}`, `M${Math.min(top.x, ...xs)} ${mid}H${Math.max(top.x, ...xs)}`,
      ...kids.map((k) => `M${pos.get(k).x} ${mid}V${pos.get(k).y - R}`)].join("");
    return s("path", { d, fill: "none", stroke: "#1f2933", "stroke-width": 1.3,
      "stroke-dasharray": kind === "a" ? "5 4" : null, class: kind === "a" ? "adoptive" : "descent" });
  });
}

function legend() {
  const item = (shape, label) => h("span", null,
    s("svg", { width: 18, height: 18, viewBox: "0 0 18 18" }, shape), " ", label);
  return h("div", { class: "legend" },
    item(s("rect", { x: 2, y: 2, width: 14, height: 14, fill: "#fff", stroke: "#333" }), t("lg_male")),
    item(s("circle", { cx: 9, cy: 9, r: 7, fill: "#fff", stroke: "#333" }), t("lg_female")),
    item([s("circle", { cx: 9, cy: 9, r: 7, fill: "#fff", stroke: "#333" }), s("path", { d: "M9 2A7 7 0 0 0 9 16Z", fill: "#333" })], t("lg_carrier")),
    item(s("rect", { x: 2, y: 2, width: 14, height: 14, fill: "#333" }), t("lg_patient")),
    item([s("rect", { x: 3, y: 3, width: 12, height: 12, fill: "#fff", stroke: "#333" }), s("line", { x1: 1, y1: 17, x2: 17, y2: 1, stroke: "#333" })], t("lg_deceased")),
    item(s("path", { d: "M1 9H17M6 13l3 -8M10 13l3 -8", stroke: "#b42318", fill: "none" }), t("lg_divorced")),
    item(s("path", { d: "M1 9H17", stroke: "#333", "stroke-dasharray": "4 3" }), t("lg_adoptive")));
}

export function pedigreeChart(ped) {
  const { pos, width, height } = layout(ped);
  const svg = s("svg", { class: "chart pedigree", id: "pedigree", viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": t("pedigree"), style: `max-width:${Math.max(width, 320)}px` });
  const placed = ped.members.filter((m) => pos.has(m.pid));
  svg.append(...ped.marriages.filter((x) => pos.has(x.a) && pos.has(x.b)).map((x) => marriageLine(pos, x)),
    ...descent(ped, pos), ...placed.map((m) => symbol(m, pos.get(m.pid), m.pid === ped.index)));
  svg.addEventListener("click", (e) => {
    const g = e.target.closest("g.pm");
    if (g && g.dataset.pid !== ped.index) location.hash = `#/person/${encodeURIComponent(g.dataset.pid)}`;
  });
  return h("div", null, h("div", { class: "table-wrap" }, svg), legend(),
    h("p", { class: "muted" }, t("pedigree_hint", { n: placed.length })));
}
