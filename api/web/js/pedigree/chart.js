// The family chart: standard pedigree symbols drawn at the layout's positions, at a
// readable size in a pan-and-zoom viewport (@panzoom/panzoom), with the index centred,
// generation labels that stay on screen, and sibships that fold.
import Panzoom from "../../vendor/panzoom.js";
import { t } from "../i18n.js";
import { h, s } from "../ui.js";
import { CELL, R, layout } from "./layout.js";

const INK = "#1f2933";
const NAME_PX = 14;
const SMALL_PX = 12;
const LABEL_W = CELL - 14;

// Text cut to fit a column (CJK about 1 em, other characters about 0.6 em).
export function fit(text, px, width = LABEL_W) {
  let used = 0;
  let out = "";
  for (const ch of String(text)) {
    used += /[\u2e80-\uffff]/.test(ch) ? px : px * 0.6;
    if (used > width) return `${out}…`;
    out += ch;
  }
  return out;
}

// A member's name, or what to call a person no row names yet (a newborn).
export function displayName(m) {
  return m.name ?? t("unnamed");
}

export function phenotypeText(m) {
  return m.status ? t(`screen_${m.status}`) : "";
}

export function yearsText(m) {
  if (m.died) return `${m.born || "?"}–${m.died}`;
  if (m.dead) return `${m.born || "?"}–?`;
  return m.born;
}

// The symbol alone (also used by the legend and the list): square, circle or diamond;
// half filled for a carrier, filled when affected, "?" when suspected, struck through
// when deceased.
export function symbolShapes(m, x, y, r = R, { index = false } = {}) {
  const stroke = { stroke: INK, "stroke-width": index ? 3 : 1.6 };
  const fill = m.phenotype === "affected" ? INK : "#fff";
  const out = [];
  if (m.sex === "1") out.push(s("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill, ...stroke }));
  else if (m.sex === "2") out.push(s("circle", { cx: x, cy: y, r, fill, ...stroke }));
  else out.push(s("path", { d: `M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z`, fill, ...stroke }));
  if (m.phenotype === "carrier") {
    const d = m.sex === "1" ? `M${x - r} ${y - r}H${x}V${y + r}H${x - r}Z`
      : m.sex === "2" ? `M${x} ${y - r}A${r} ${r} 0 0 0 ${x} ${y + r}Z`
        : `M${x} ${y - r}L${x - r} ${y}L${x} ${y + r}Z`;
    out.push(s("path", { d, fill: INK, class: "carrier-fill" }));
  }
  if (m.phenotype === "suspected") {
    out.push(s("text", { x, y: y + r * 0.4, "text-anchor": "middle", "font-size": r * 1.1, fill: INK, "font-weight": 700 }, "?"));
  }
  if (m.dead) {
    out.push(s("line", { x1: x - r - 5, y1: y + r + 5, x2: x + r + 5, y2: y - r - 5, stroke: INK, "stroke-width": 1.8, class: "deceased" }));
  }
  return out;
}

function person(m, p, isIndex) {
  const g = s("g", { class: `pm ${m.phenotype || "unscreened"}${isIndex ? " index" : ""}`, "data-pid": m.pid,
    "data-sex": m.sex, tabindex: 0, role: "link", "aria-label": `${displayName(m)} ${yearsText(m)} ${phenotypeText(m)}`.trim() },
  symbolShapes(m, p.x, p.y, R, { index: isIndex }));
  if (isIndex) {
    g.append(s("path", { d: `M${p.x - R - 18} ${p.y + R + 10}L${p.x - R - 4} ${p.y + R - 2}m-8 1l8 -1l-1 8`,
      stroke: "#b42318", "stroke-width": 2.2, fill: "none", class: "index-arrow" }));
  }
  const lines = [[fit(displayName(m), NAME_PX), NAME_PX, "name", INK, 600], [yearsText(m), SMALL_PX, "years", "#4b5563", 400],
    [fit(phenotypeText(m), SMALL_PX), SMALL_PX, "phenotype", m.phenotype === "normal" ? "#4b5563" : "#7a1f12", 600]];
  let y = p.y + R + 4;
  for (const [text, px, cls, fill, weight] of lines) {
    y += px + 3;
    if (text) g.append(s("text", { x: p.x, y, "text-anchor": "middle", "font-size": px, fill, "font-weight": weight, class: cls }, text));
  }
  g.append(s("title", null, [displayName(m), yearsText(m), phenotypeText(m)].filter(Boolean).join(" · ")));
  return g;
}

function isMarried(fam, a, b) {
  return fam.marriages.find((x) => (x.a === a && x.b === b) || (x.a === b && x.b === a));
}

// Partners side by side: a line between them ("//" when divorced); a curve over the row
// when two partners of one block are not neighbours.
function partnerLines(fam, lay) {
  const out = [];
  for (const b of lay.blocks) {
    for (let i = 0; i < b.members.length; i += 1) {
      for (let j = i + 1; j < b.members.length; j += 1) {
        const a = b.members[i]; const c = b.members[j];
        if (!(fam.partners.get(a) || []).includes(c)) continue;
        const pa = lay.persons.get(a); const pc = lay.persons.get(c);
        const x = isMarried(fam, a, c);
        const cls = x ? (x.divorced ? "marriage divorced" : "marriage") : "partners";
        const d = j === i + 1 ? `M${pa.x + R} ${pa.y}H${pc.x - R}`
          : `M${pa.x} ${pa.y - R}C${pa.x} ${pa.y - R - 26} ${pc.x} ${pc.y - R - 26} ${pc.x} ${pc.y - R}`;
        const g = s("g", { class: cls }, s("path", { d, fill: "none", stroke: INK, "stroke-width": 1.6,
          "stroke-dasharray": x ? null : "2 3" }));
        if (x?.divorced) {
          const mx = j === i + 1 ? (pa.x + pc.x) / 2 : (pa.x + pc.x) / 2;
          const my = j === i + 1 ? pa.y : pa.y - R - 20;
          g.append(s("path", { d: `M${mx - 7} ${my + 7}l6 -14M${mx} ${my + 7}l6 -14`, stroke: "#b42318", "stroke-width": 2 }));
        }
        out.push(g);
      }
    }
  }
  return out;
}

// Where a sibship's line leaves its parents: from the middle of the partner line of two
// neighbours, else from a short stub beside each parent (clear of the name below). A
// drop never lines up with another sibship's line to a child (the x of a person in
// the rows below), which would read as one line from the wrong parent.
function drops(lay, blockOf, u, childXs) {
  const clear = (x) => !childXs.some((c) => Math.abs(c - x) < 10);
  const choose = (xs) => xs.find(clear) ?? xs[0];
  const ps = u.parents.map((p) => ({ pid: p, ...lay.persons.get(p) }));
  if (ps.length === 2) {
    const [a, b] = ps.sort((m, n) => m.x - n.x);
    const ba = blockOf.get(a.pid); const bb = blockOf.get(b.pid);
    if (ba === bb && Math.abs(ba.members.indexOf(a.pid) - ba.members.indexOf(b.pid)) === 1) {
      const mid = (a.x + b.x) / 2;
      return [{ x: choose([mid, mid - 14, mid + 14]), y: a.y, stub: null }];
    }
  }
  return ps.map((p) => {
    const block = blockOf.get(p.pid);
    const i = block.members.indexOf(p.pid);
    const side = i === 0 && block.members.length > 1 ? -1 : 1; // away from a partner on the right
    const x = choose([0.5, 0.36, 0.64].map((f) => p.x + side * f * CELL));
    return { x, y: p.y, stub: `M${p.x + side * R} ${p.y}H${x}` };
  });
}

// Sibship bars in one band may overlap: each gets its own height (lane), so no two
// sibships share a line and every child hangs visibly from its own parents.
function lanes(items) {
  const byBand = new Map();
  for (const it of items) {
    const key = Math.round(it.band);
    if (!byBand.has(key)) byBand.set(key, []);
    byBand.get(key).push(it);
  }
  for (const group of byBand.values()) {
    group.sort((a, b) => a.left - b.left);
    const ends = [];
    for (const it of group) {
      let lane = ends.findIndex((end) => end < it.left - 30);
      if (lane < 0) { lane = ends.length; ends.push(0); }
      ends[lane] = it.right;
      it.lane = lane;
    }
    const spacing = Math.min(11, 40 / Math.max(ends.length - 1, 1));
    for (const it of group) it.barY = it.band - ((ends.length - 1) * spacing) / 2 + it.lane * spacing;
  }
}

function sibships(fam, lay, view, hidden, onToggle) {
  const blockOf = new Map();
  lay.blocks.forEach((b) => b.members.forEach((p) => blockOf.set(p, b)));
  const items = [];
  const below = (y) => [...lay.persons.values()].filter((p) => p.y > y + 1).map((p) => p.x);
  for (const u of lay.unions) {
    const ds = drops(lay, blockOf, u, below(lay.persons.get(u.parents[0]).y));
    const kids = u.shownChildren.map((c) => ({ pid: c, ...lay.persons.get(c), route: u.route.get(c) || [] }));
    const xs = [...ds.map((d) => d.x), ...kids.map((k) => (k.route.length ? k.route[0][0] : k.x))];
    items.push({ u, ds, kids, band: u.y, left: Math.min(...xs), right: Math.max(...xs), folded: false });
  }
  for (const [id, n] of hidden) {
    const u = fam.unions.get(id);
    const parents = u.parents.filter((p) => lay.persons.has(p));
    if (!parents.length || n <= 0) continue;
    const ds = drops(lay, blockOf, { ...u, parents }, below(lay.persons.get(parents[0]).y));
    const y = Math.max(...ds.map((d) => d.y)) + 84;
    const half = 8 + String(n).length * 4 + 4;
    items.push({ u: { ...u, parents }, ds, kids: [], band: y, left: ds[0].x - half, right: ds[0].x + half, folded: true, hiddenCount: n });
  }
  lanes(items);
  const out = [];
  for (const it of items) {
    const dash = it.u.adoptive ? "5 4" : null;
    const d = [];
    for (const drop of it.ds) { if (drop.stub) d.push(drop.stub); d.push(`M${drop.x} ${drop.y}V${it.barY}`); }
    if (!it.folded) {
      d.push(`M${it.left} ${it.barY}H${it.right}`);
      for (const k of it.kids) {
        const start = k.route.length ? k.route[0][0] : k.x;
        d.push(`M${start} ${it.barY}${k.route.map(([x, y]) => `L${x} ${y}`).join("")}L${k.x} ${k.route.length ? k.route.at(-1)[1] : it.barY}V${k.y - R}`);
      }
    }
    const names = it.u.parents.map((p) => displayName(fam.byPid.get(p))).join(" · ");
    const n = it.folded ? it.hiddenCount : it.u.children.length;
    const label = t(it.folded ? "ped_unfold" : "ped_fold", { names, n });
    const toggle = s("g", { class: `fold${it.folded ? " folded" : ""}`, "data-union": it.u.id, role: "button", tabindex: 0,
      "aria-label": label }, s("title", null, label));
    const tx = it.ds[0].x;
    if (it.folded) {
      const w = 16 + String(n).length * 8;
      toggle.append(s("rect", { x: tx - w / 2, y: it.barY - 10, width: w, height: 20, rx: 10, fill: "#e3eef7", stroke: "#1d5c8c" }),
        s("text", { x: tx, y: it.barY + 5, "text-anchor": "middle", "font-size": 13, fill: "#1d5c8c", "font-weight": 700 }, `+${n}`));
    } else {
      toggle.append(s("circle", { cx: tx, cy: it.barY, r: 8, fill: "#fff", stroke: "#1d5c8c", "stroke-width": 1.5 }),
        s("path", { d: `M${tx - 4} ${it.barY}H${tx + 4}`, stroke: "#1d5c8c", "stroke-width": 2 }));
    }
    const activate = () => onToggle(it.u.id);
    toggle.addEventListener("click", activate);
    toggle.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
    out.push(s("g", { class: it.u.adoptive ? "sibship adoptive" : "sibship", "data-union": it.u.id,
      "data-children": it.kids.map((k) => k.pid).join(" "),
      "data-bar": it.folded ? null : `${Math.round(it.left)} ${Math.round(it.right)} ${Math.round(it.barY)}` },
      s("path", { d: d.join(""), fill: "none", stroke: INK, "stroke-width": 1.4, "stroke-dasharray": dash }), toggle));
  }
  return out;
}

export function generationName(g) {
  const key = g < 0 ? `gen_m${-g}` : g > 0 ? `gen_p${g}` : "gen_0";
  const text = t(key);
  return text === key ? t(g < 0 ? "gen_up_n" : "gen_down_n", { n: Math.abs(g) }) : text;
}

function svgChart(fam, shown, lay, view, hidden, onToggle) {
  const svg = s("svg", { class: "pedigree", id: "pedigree", width: lay.width, height: lay.height,
    viewBox: `0 0 ${lay.width} ${lay.height}`, role: "group", "aria-label": t("pedigree") });
  const idx = lay.persons.get(fam.index);
  if (idx) {
    svg.append(s("rect", { x: idx.x - CELL / 2 + 3, y: idx.y - R - 10, width: CELL - 6, height: R * 2 + 66, rx: 6,
      fill: "#fff4cc", stroke: "#e0a800", class: "index-mark" }));
  }
  svg.append(...partnerLines(fam, lay), ...sibships(fam, lay, view, hidden, onToggle),
    ...[...shown].map((pid) => person(fam.byPid.get(pid), lay.persons.get(pid), pid === fam.index)));
  return svg;
}

// The chart in its viewport, with the toolbar's zoom actions; `state` keeps the view
// across re-draws (folds change the layout, the zoom stays).
export function chartView(fam, shown, view, hidden, onToggle, focus = null) {
  const lay = layout(fam, shown);
  const svg = svgChart(fam, shown, lay, view, hidden, onToggle);
  const stage = h("div", { class: "ped-stage", style: `width:${lay.width}px;height:${lay.height}px` }, svg);
  const labels = h("div", { class: "ped-rows", "aria-hidden": "true" });
  const g0 = fam.gen.get(fam.index) ?? 0;
  const rows = [...lay.rows.entries()].sort((a, b) => a[0] - b[0]).map(([gen, y]) => {
    const node = h("span", { class: "ped-row", "data-gen": gen - g0 }, generationName(gen - g0));
    labels.append(node);
    return { y, node };
  });
  const viewport = h("div", { class: "ped-viewport", id: "ped-viewport", tabindex: 0,
    "aria-label": t("ped_viewport") }, stage, labels);
  const zoom = { scale: () => 1, centre: () => {}, fit: () => {}, by: () => {} };
  requestAnimationFrame(() => attach(viewport, stage, lay, fam, rows, zoom, focus));
  return { node: viewport, zoom, layout: lay };
}

function attach(viewport, stage, lay, fam, rows, zoom, focus) {
  const vw = () => viewport.clientWidth;
  const vh = () => viewport.clientHeight;
  const gutter = viewport.querySelector(".ped-rows")?.offsetWidth ?? 0;
  const fitScale = () => Math.min(1, (vw() - gutter) / lay.width, vh() / lay.height);
  const pz = Panzoom(stage, { canvas: true, maxScale: 3, minScale: Math.min(0.2, fitScale()), step: 0.25, cursor: "grab" });
  const o = { x: lay.width / 2, y: lay.height / 2 }; // the stage's transform origin (50% 50%)
  const centreOn = (p, scale) => {
    pz.zoom(scale, { animate: false, force: true });
    const cx = gutter + (vw() - gutter) / 2;
    // A chart no taller than the viewport is shown whole in height; a taller one is
    // centred on the person.
    const py = lay.height * scale <= vh() ? o.y : p.y;
    setTimeout(() => pz.pan((cx - o.x) / scale + o.x - p.x, (vh() / 2 - o.y) / scale + o.y - py,
      { animate: false, force: true }));
  };
  const place = () => {
    const { x: tx, y: ty } = pz.getPan();
    const k = pz.getScale();
    for (const r of rows) {
      const y = o.y + k * (r.y + ty - o.y);
      r.node.style.top = `${y - 10}px`;
      r.node.hidden = y < 0 || y > vh();
    }
  };
  stage.addEventListener("panzoomchange", place);
  viewport.addEventListener("wheel", (e) => { if (e.ctrlKey || e.metaKey) pz.zoomWithWheel(e); }, { passive: false });
  const at = (k) => { const r = viewport.getBoundingClientRect(); pz.zoomToPoint(k, { clientX: r.left + vw() / 2, clientY: r.top + vh() / 2 }); };
  zoom.scale = () => pz.getScale();
  zoom.by = (factor) => at(Math.max(Math.min(0.2, fitScale()), Math.min(3, pz.getScale() * factor)));
  zoom.fit = () => centreOn(o, fitScale());
  zoom.centre = () => centreOn(lay.persons.get(fam.index) || o, 1);
  if (focus && lay.persons.has(focus.pid)) centreOn(lay.persons.get(focus.pid), focus.scale);
  else zoom.centre();
  // A click that ends a drag is not a click on a person.
  let down = null;
  viewport.addEventListener("pointerdown", (e) => { down = { x: e.clientX, y: e.clientY }; }, true);
  viewport.addEventListener("click", (e) => {
    const moved = down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 5;
    const g = e.target.closest?.("g.pm");
    if (!moved && g && g.dataset.pid !== fam.index) location.hash = `#/person/${encodeURIComponent(g.dataset.pid)}`;
  });
  viewport.addEventListener("keydown", (e) => {
    const g = e.target.closest?.("g.pm");
    if (e.key === "Enter" && g && g.dataset.pid !== fam.index) location.hash = `#/person/${encodeURIComponent(g.dataset.pid)}`;
    const step = 60;
    const keys = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (keys[e.key] && e.target === viewport) {
      e.preventDefault();
      pz.pan(keys[e.key][0] / pz.getScale(), keys[e.key][1] / pz.getScale(), { relative: true });
    }
    if ((e.key === "+" || e.key === "=") && e.target === viewport) zoom.by(1.25);
    if (e.key === "-" && e.target === viewport) zoom.by(0.8);
  });
  place();
}
