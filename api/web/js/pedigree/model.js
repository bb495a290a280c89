// The pedigree as data (no DOM): members, unions (the parents a sibship hangs from),
// generations, and which members a fold hides. Chart and list both draw from this.

// The screening status codes of queries/screening.py and what the chart shows for them.
const PHENOTYPE = {
  alpha_carrier: "carrier", beta_carrier: "carrier", alpha_beta_carrier: "carrier",
  hbh_disease: "affected", beta_major: "affected", beta_intermedia: "affected",
  hb_barts_hydrops: "affected", suspected: "suspected", normal: "normal",
};

function pick(obj, ...names) {
  for (const name of names) {
    let value = obj;
    for (const part of name.split(".")) value = value == null ? undefined : value[part];
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}

function refOf(value) {
  if (value == null) return null;
  return typeof value === "object" ? pick(value, "pid", "ref") ?? null : String(value);
}

function member(raw) {
  const p = pick(raw, "person") || raw;
  const born = String(pick(p, "birth_date", "birth_year") ?? "");
  const died = String(pick(p, "death_date", "death_year") ?? "");
  const status = pick(raw, "status") ?? null;
  return {
    pid: refOf(pick(raw, "id", "pid", "ref") ?? pick(p, "pid", "ref")),
    name: pick(p, "name") ?? null, // null: no row names them yet (a newborn)
    sex: String(pick(p, "sex") ?? "0"),
    dead: raw.deceased === true || Boolean(died),
    birth: born, born: born.slice(0, 4), died: died.slice(0, 4),
    status, phenotype: status ? PHENOTYPE[status] ?? null : null,
    father: refOf(pick(raw, "father", "father_pid")),
    mother: refOf(pick(raw, "mother", "mother_pid")),
    adoptive: [refOf(pick(raw, "adoptive_father")), refOf(pick(raw, "adoptive_mother"))].filter(Boolean),
    generation: Number.isInteger(raw.generation) ? raw.generation : null,
  };
}

function marriage(raw) {
  const ended = String(pick(raw, "end_reason") ?? "");
  return { a: refOf(pick(raw, "husband", "a")), b: refOf(pick(raw, "wife", "b")),
    divorced: ended === "divorce" };
}

// The API's pedigree JSON reduced to {index, members, marriages}.
export function normalisePedigree(body, index) {
  const list = Array.isArray(body) ? body : pick(body || {}, "members") || [];
  const members = list.map(member).filter((m) => m.pid);
  const known = new Set(members.map((m) => m.pid));
  const marriages = (pick(body || {}, "marriages") || []).map(marriage)
    .filter((x) => known.has(x.a) && known.has(x.b) && x.a !== x.b);
  return { index: refOf(pick(body || {}, "proband")) || index, members, marriages };
}

// Generations from the index (parents -1): the API's, or found by walking the family.
function generations(byPid, unions, partners, index) {
  const gen = new Map();
  for (const m of byPid.values()) if (m.generation !== null) gen.set(m.pid, m.generation);
  if (gen.size === byPid.size) return gen;
  const start = byPid.has(index) ? index : byPid.keys().next().value;
  const queue = [start];
  if (!gen.has(start)) gen.set(start, 0);
  while (queue.length) {
    const pid = queue.shift();
    const g = gen.get(pid);
    const reach = (other, step) => {
      if (!gen.has(other)) { gen.set(other, g + step); queue.push(other); }
    };
    for (const u of unions.values()) {
      if (u.children.includes(pid)) u.parents.forEach((p) => reach(p, -1));
      if (u.parents.includes(pid)) u.children.forEach((c) => reach(c, 1));
    }
    (partners.get(pid) || []).forEach((p) => reach(p, 0));
  }
  for (const pid of byPid.keys()) if (!gen.has(pid)) gen.set(pid, 0);
  return gen;
}

// The family: members by pid, unions by id, partners, generations, the direct line.
export function family(ped) {
  const byPid = new Map(ped.members.map((m) => [m.pid, m]));
  const unions = new Map();
  for (const m of ped.members) {
    const bio = [m.father, m.mother].filter((p) => p && byPid.has(p) && p !== m.pid);
    const parents = bio.length ? bio : m.adoptive.filter((p) => byPid.has(p) && p !== m.pid);
    if (!parents.length) continue;
    const id = `u:${[...parents].sort().join("+")}`;
    if (!unions.has(id)) unions.set(id, { id, parents: [...parents].sort(), children: [], adoptive: !bio.length });
    unions.get(id).children.push(m.pid);
  }
  for (const u of unions.values()) {
    u.children.sort((a, b) => byPid.get(a).birth.localeCompare(byPid.get(b).birth) || a.localeCompare(b));
  }
  const partners = new Map();
  const link = (a, b) => {
    if (!partners.has(a)) partners.set(a, []);
    if (!partners.get(a).includes(b)) partners.get(a).push(b);
  };
  for (const x of ped.marriages) { link(x.a, x.b); link(x.b, x.a); }
  for (const u of unions.values()) if (u.parents.length === 2) { link(u.parents[0], u.parents[1]); link(u.parents[1], u.parents[0]); }
  const gen = generations(byPid, unions, partners, ped.index);
  const parentOf = new Map();
  const unionsByParent = new Map();
  for (const u of unions.values()) {
    u.children.forEach((c) => parentOf.set(c, u));
    u.parents.forEach((p) => unionsByParent.set(p, [...(unionsByParent.get(p) || []), u]));
  }
  const fam = { index: byPid.has(ped.index) ? ped.index : ped.members[0]?.pid, byPid, unions, partners, gen,
    marriages: ped.marriages, parentUnion: parentOf, unionsOf: unionsByParent };
  fam.line = directLine(fam);
  fam.distance = collateralDistance(fam);
  return fam;
}

function unionsOf(fam, pid) {
  return fam.unionsOf.get(pid) || [];
}

function parentUnion(fam, pid) {
  return fam.parentUnion.get(pid);
}

// The index, their ancestors and descendants, and the partners of all of these.
function directLine(fam) {
  const line = new Set([fam.index]);
  const up = [fam.index];
  while (up.length) {
    const u = parentUnion(fam, up.pop());
    for (const p of u?.parents || []) if (!line.has(p)) { line.add(p); up.push(p); }
  }
  const down = [fam.index];
  while (down.length) {
    for (const u of unionsOf(fam, down.pop())) {
      for (const c of u.children) if (!line.has(c)) { line.add(c); down.push(c); }
    }
  }
  for (const pid of [...line]) (fam.partners.get(pid) || []).forEach((p) => line.add(p));
  return line;
}

// Per union: 0 when a parent is on the direct line (its children are siblings, aunts,
// uncles of the line), 1 for the sibships below those (cousins, nieces), and so on.
function collateralDistance(fam) {
  const person = new Map([...fam.line].map((p) => [p, 0]));
  const union = new Map();
  let frontier = [...fam.line];
  for (let d = 0; frontier.length && d < 50; d += 1) {
    const next = [];
    for (const u of fam.unions.values()) {
      if (union.has(u.id) || !u.parents.some((p) => person.get(p) === d)) continue;
      union.set(u.id, d);
      for (const c of u.children) {
        if (person.has(c)) continue;
        person.set(c, d + 1);
        next.push(c);
        for (const p of fam.partners.get(c) || []) if (!person.has(p)) { person.set(p, d + 1); next.push(p); }
      }
    }
    frontier = next;
  }
  for (const u of fam.unions.values()) if (!union.has(u.id)) union.set(u.id, 99);
  return union;
}

// Who is shown: everyone reachable from the index without going down through a folded
// union, within `up` generations above and `down` below the index.
export function visible(fam, { folded = new Set(), up = 99, down = 99 } = {}) {
  const g0 = fam.gen.get(fam.index) ?? 0;
  const inside = (pid) => {
    const g = (fam.gen.get(pid) ?? g0) - g0;
    return g >= -up && g <= down;
  };
  const seen = new Set([fam.index]);
  const queue = [fam.index];
  const reach = (pid) => {
    if (!seen.has(pid) && fam.byPid.has(pid) && inside(pid)) { seen.add(pid); queue.push(pid); }
  };
  while (queue.length) {
    const pid = queue.shift();
    parentUnion(fam, pid)?.parents.forEach(reach);
    for (const u of unionsOf(fam, pid)) if (!folded.has(u.id)) u.children.forEach(reach);
    (fam.partners.get(pid) || []).forEach(reach);
  }
  return seen;
}

// How many persons each folded union hides (those shown only when it is open).
export function hiddenBy(fam, view, shown) {
  const out = new Map();
  for (const id of view.folded) {
    const open = new Set(view.folded);
    open.delete(id);
    out.set(id, visible(fam, { ...view, folded: open }).size - shown.size);
  }
  return out;
}

// The folds a large family starts with: sibships far from the direct line first, until
// at most `limit` persons show (the line itself never folds).
export function initialFolds(fam, limit) {
  const far = (d) => new Set([...fam.unions.values()].filter((u) => fam.distance.get(u.id) >= d).map((u) => u.id));
  for (const d of [99, 2, 1]) {
    const folded = d === 99 ? new Set() : far(d);
    if (visible(fam, { folded }).size <= limit) return folded;
  }
  return far(1);
}

// Generation relative to the index, for every shown member.
export function relativeGeneration(fam, pid) {
  return (fam.gen.get(pid) ?? 0) - (fam.gen.get(fam.index) ?? 0);
}

// Spouses in one generation row, grouped: a person and their partners side by side.
// Each block is an ordered list of pids (husband before wife; a hub between two spouses).
export function blocks(fam, shown) {
  const done = new Set();
  const out = [];
  const sameRow = (a, b) => shown.has(b) && fam.gen.get(a) === fam.gen.get(b);
  for (const pid of shown) {
    if (done.has(pid)) continue;
    const group = [];
    const stack = [pid];
    done.add(pid);
    while (stack.length) {
      const p = stack.pop();
      group.push(p);
      for (const q of fam.partners.get(p) || []) if (sameRow(p, q) && !done.has(q)) { done.add(q); stack.push(q); }
    }
    out.push(order(fam, group, shown));
  }
  return out;
}

function order(fam, group, shown) {
  if (group.length === 1) return group;
  const degree = (p) => (fam.partners.get(p) || []).filter((q) => group.includes(q)).length;
  const sexFirst = (a, b) => fam.byPid.get(a).sex.localeCompare(fam.byPid.get(b).sex) || a.localeCompare(b);
  if (group.length === 2) return [...group].sort(sexFirst);
  const hub = [...group].sort((a, b) => degree(b) - degree(a) || sexFirst(a, b))[0];
  const rest = group.filter((p) => p !== hub).sort((a, b) => fam.byPid.get(a).birth.localeCompare(fam.byPid.get(b).birth));
  const half = Math.ceil(rest.length / 2);
  return [...rest.slice(0, half), hub, ...rest.slice(half)].filter((p) => shown.has(p));
}

// The unions with at least one shown parent, each with its shown children.
export function shownUnions(fam, shown) {
  return [...fam.unions.values()].filter((u) => u.parents.some((p) => shown.has(p)))
    .map((u) => ({ ...u, parents: u.parents.filter((p) => shown.has(p)),
      shownChildren: u.children.filter((c) => shown.has(c)) }));
}
