// Where everyone goes: d3-dag's layered (Sugiyama) layout over a graph of couples and
// sibships. Nodes are *blocks* (a person with their partners side by side, one row
// per generation) and *unions* (the parents a sibship hangs from, in the band between
// two rows); edges run block -> union -> block. Rows are fixed by generation, so the
// library orders each row to cross few lines and gives the x positions.
import { graph, sugiyama, decrossTwoLayer, coordSimplex, layeringSimplex } from "../../vendor/d3-dag.js";
import { blocks, shownUnions } from "./model.js";

export const CELL = 100;      // one person's column
export const R = 15;          // symbol half-size
const PERSON_H = 92;          // symbol and three lines of text
const UNION_H = 56;           // the band where sibship lines run
const GAP_X = 14;
export const MARGIN = 40;
const LEFT = 100;             // room for the generation labels on the left

function generationLayer(fam, minGen, pid) {
  return 2 * ((fam.gen.get(pid) ?? 0) - minGen);
}

// Layers fixed by generation; empty layers dropped. Returns the last layer's index.
function fixedLayering(g) {
  const used = [...new Set([...g.nodes()].map((n) => n.data.layer))].sort((a, b) => a - b);
  const index = new Map(used.map((l, i) => [l, i]));
  for (const n of g.nodes()) n.y = index.get(n.data.layer);
  for (const link of g.links()) {
    if (link.source.y >= link.target.y) throw new Error("generation order broken");
  }
  return used.length - 1;
}

function buildGraph(fam, shown) {
  const rows = blocks(fam, shown);
  const gens = [...shown].map((p) => fam.gen.get(p) ?? 0);
  const minGen = Math.min(...gens);
  const g = graph();
  const blockOf = new Map();
  const blockNodes = rows.map((members) => {
    const node = g.node({ kind: "block", members, layer: generationLayer(fam, minGen, members[0]) });
    members.forEach((p) => blockOf.set(p, node));
    return node;
  });
  const unions = shownUnions(fam, shown).filter((u) => u.shownChildren.length);
  const unionNodes = unions.map((u) => {
    const top = Math.max(...u.parents.map((p) => generationLayer(fam, minGen, p)));
    const node = g.node({ kind: "union", union: u, layer: top + 1 });
    const linked = new Set();
    for (const p of u.parents) {
      const b = blockOf.get(p);
      if (!linked.has(b)) { linked.add(b); g.link(b, node); }
    }
    for (const c of u.shownChildren) {
      const b = blockOf.get(c);
      if (!linked.has(b)) { linked.add(b); g.link(node, b); }
    }
    return node;
  });
  return { g, blockNodes, unionNodes };
}

const nodeSize = (n) => (n.data.kind === "block" ? [n.data.members.length * CELL, PERSON_H] : [8, UNION_H]);

function run(g) {
  const base = sugiyama().nodeSize(nodeSize).gap([GAP_X, 0]).decross(decrossTwoLayer()).coord(coordSimplex());
  try {
    return base.layering(fixedLayering)(g);
  } catch {
    // Generations that contradict the parent links (a marriage across generations, a
    // loop in the records): let the library choose the rows.
    return base.layering(layeringSimplex())(g);
  }
}

// Positions for the shown members: persons (symbol centres), blocks, unions, rows.
export function layout(fam, shown) {
  const { g, blockNodes, unionNodes } = buildGraph(fam, shown);
  const { width, height } = run(g);
  const persons = new Map();
  const blockList = blockNodes.map((node) => {
    const left = node.x - (node.data.members.length * CELL) / 2;
    const y = node.y - PERSON_H / 2 + R + 4 + MARGIN;
    node.data.members.forEach((pid, i) => persons.set(pid, { x: LEFT + left + (i + 0.5) * CELL, y }));
    return { members: node.data.members, y };
  });
  // A long edge (a child more than one generation below) bends through these points.
  const unions = unionNodes.map((node) => {
    const route = new Map();
    for (const link of node.childLinks()) {
      const points = link.points.slice(1, -1).map(([x, y]) => [x + LEFT, y + MARGIN]);
      link.target.data.members.forEach((pid) => route.set(pid, points));
    }
    return { ...node.data.union, x: node.x + LEFT, y: node.y + MARGIN, route };
  });
  const rows = new Map();
  for (const b of blockList) rows.set(fam.gen.get(b.members[0]) ?? 0, b.y);
  return { persons, blocks: blockList, unions, rows, width: width + LEFT + MARGIN,
    height: height + 2 * MARGIN, bandHeight: UNION_H };
}
