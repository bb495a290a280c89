// The family as a list of generations (phones, screen readers): each generation folds,
// and within it every sibship is named by its parents, so no child's parents are in doubt.
import { t } from "../i18n.js";
import { h, s } from "../ui.js";
import { displayName, generationName, phenotypeText, symbolShapes, yearsText } from "./chart.js";
import { relativeGeneration } from "./model.js";

function symbol(m, isIndex) {
  return s("svg", { class: "ped-symbol", width: 30, height: 30, viewBox: "0 0 30 30", "aria-hidden": "true" },
    symbolShapes(m, 15, 15, 10, { index: isIndex }));
}

function personItem(fam, pid, partnersShown) {
  const m = fam.byPid.get(pid);
  const isIndex = pid === fam.index;
  const name = isIndex ? h("b", { class: "name" }, displayName(m))
    : h("a", { class: "link name", href: `#/person/${encodeURIComponent(pid)}` }, displayName(m));
  const facts = [yearsText(m), m.dead ? t("lg_deceased") : "", phenotypeText(m)].filter(Boolean);
  const partners = partnersShown.map((p) => {
    const q = fam.byPid.get(p);
    const x = fam.marriages.find((mm) => (mm.a === pid && mm.b === p) || (mm.a === p && mm.b === pid));
    const word = x ? (x.divorced ? t("ped_ex_spouse") : t("ped_spouse")) : t("ped_partner");
    return h("div", { class: "ped-partner", "data-pid": p }, symbol(q, false), word, "：",
      h("a", { class: "link name", href: `#/person/${encodeURIComponent(p)}` }, displayName(q)),
      " ", h("span", { class: "muted" }, [yearsText(q), q.dead ? t("lg_deceased") : "", phenotypeText(q)].filter(Boolean).join(" · ")));
  });
  return h("li", { class: `ped-person${isIndex ? " index" : ""}`, "data-pid": pid },
    h("div", { class: "row" }, symbol(m, isIndex), name, isIndex ? h("span", { class: "badge warn" }, t("ped_index")) : null,
      h("span", { class: "muted" }, facts.join(" · "))), partners);
}

// Per generation: sibships (children of one union) first, then everyone else in the row.
export function listView(fam, shown, hidden, onToggle) {
  const byGen = new Map();
  for (const pid of shown) {
    const g = relativeGeneration(fam, pid);
    if (!byGen.has(g)) byGen.set(g, []);
    byGen.get(g).push(pid);
  }
  const unions = [...fam.unions.values()];
  const sections = [...byGen.keys()].sort((a, b) => a - b).map((g) => {
    const row = new Set(byGen.get(g));
    const placed = new Set();
    const groups = [];
    // A partner with parents in view is listed in their own sibship (and named here too).
    const ownSibship = (p) => fam.parentUnion.get(p)?.parents.some((q) => shown.has(q));
    const partnersOf = (pid) => (fam.partners.get(pid) || []).filter((p) => row.has(p));
    const claim = (ps) => ps.filter((p) => !ownSibship(p)).forEach((p) => placed.add(p));
    for (const u of unions) {
      const kids = u.children.filter((c) => row.has(c) && !placed.has(c));
      if (!kids.length || !u.parents.some((p) => shown.has(p))) continue;
      kids.forEach((c) => placed.add(c));
      const items = kids.map((c) => {
        const ps = partnersOf(c);
        claim(ps);
        return personItem(fam, c, ps);
      });
      const parents = u.parents.filter((p) => shown.has(p)).map((p) => displayName(fam.byPid.get(p))).join(" × ");
      groups.push(h("div", { class: "ped-sibship", "data-union": u.id },
        h("div", { class: "ped-parents" }, t(u.adoptive ? "ped_adopted_children_of" : "ped_children_of", { names: parents })),
        h("ul", null, items)));
    }
    const rest = [...row].filter((p) => !placed.has(p)).sort((a, b) => fam.byPid.get(a).birth.localeCompare(fam.byPid.get(b).birth));
    const items = [];
    for (const pid of rest) {
      if (placed.has(pid)) continue;
      placed.add(pid);
      const ps = partnersOf(pid);
      claim(ps);
      items.push(personItem(fam, pid, ps));
    }
    if (items.length) groups.push(h("div", { class: "ped-sibship" }, h("ul", null, items)));
    const folds = [...hidden].filter(([id, n]) => n > 0 && fam.unions.get(id).parents.some((p) => row.has(p)))
      .map(([id, n]) => h("button", { type: "button", class: "ped-unfold", "data-union": id, onclick: () => onToggle(id) },
        t("ped_unfold", { names: fam.unions.get(id).parents.map((p) => displayName(fam.byPid.get(p))).join(" · "), n })));
    return h("details", { class: "ped-gen", open: true, "data-gen": g },
      h("summary", null, t("ped_generation_n", { name: generationName(g), n: row.size })), groups, folds);
  });
  return h("div", { class: "ped-list", id: "ped-list" }, sections);
}
