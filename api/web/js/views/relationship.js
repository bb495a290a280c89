// Relationship check: kinship terms both ways, the paths drawn, φ, the marriage-law verdict.
import { call, listOf } from "../api.js";
import { t, bi, language } from "../i18n.js";
import { h, s, card, load, pick, personName } from "../ui.js";
import { phiText } from "./person.js";

const TONES = { forbidden: "bad", needs_review: "warn", allowed: "good" };

function termBoth(body) {
  const ab = pick(body, "term_a_to_b", "a_calls_b", "terms.a_to_b", "term_ab", "term");
  const ba = pick(body, "term_b_to_a", "b_calls_a", "terms.b_to_a", "term_ba", "inverse_term");
  const a = personName(pick(body, "a") || {}); const b = personName(pick(body, "b") || {});
  return h("dl", { class: "facts", id: "terms" },
    h("dt", null, t("a_calls_b", { a, b })), h("dd", null, bi(ab) || "—"),
    h("dt", null, t("b_calls_a", { a, b })), h("dd", null, bi(ba) || "—"),
    h("dt", null, t("phi")), h("dd", { id: "phi" }, phiText(pick(body, "phi", "kinship", "kinship_coefficient")) || "0"),
    h("dt", null, t("degree")), h("dd", null, pick(body, "degree") ?? "—"));
}

// A legal basis the API gives in both languages, "民法典第一千零四十八条 (Civil Code art. 1048)".
function basisText(text) {
  const both = /^(.*?)\s*\((.+)\)\s*$/.exec(String(text));
  if (!both) return String(text);
  return language() === "zh" ? both[1] : both[2];
}

function verdict(body) {
  const v = pick(body, "marriage", "marriage_check", "verdict") || {};
  const code = typeof v === "string" ? v : pick(v, "verdict", "outcome") ?? "";
  const reason = bi(v, "reason") || bi(pick(v, "reason") || "");
  return h("div", { id: "verdict" }, h("div", { class: `verdict ${TONES[code] || ""}` },
    t(`verdict_${code}`)), h("p", null, reason),
  h("p", { class: "muted" }, (pick(v, "basis") || []).map(basisText).join(" · ")));
}

// One path as a chain: A — step — ... — common ancestor — ... — B.
function pathChart(path, i) {
  const nodes = (pick(path, "persons", "nodes", "pids", "steps") || []).map((n) => personName(typeof n === "object" ? n : { pid: n }));
  const W = Math.max(nodes.length * 110, 220);
  const svg = s("svg", { class: "chart path", viewBox: `0 0 ${W} 64`, style: `max-width:${W}px`, "data-path": i });
  nodes.forEach((name, j) => {
    const x = 55 + j * 110;
    if (j) svg.append(s("line", { x1: x - 110 + 40, y1: 26, x2: x - 40, y2: 26, stroke: "#1d5c8c", "stroke-width": 2 }));
    svg.append(s("rect", { x: x - 40, y: 12, width: 80, height: 28, rx: 6, fill: j === 0 || j === nodes.length - 1 ? "#e3eef7" : "#fff", stroke: "#1d5c8c" }),
      s("text", { x, y: 31, "text-anchor": "middle", "font-size": 12 }, name.slice(0, 8)));
  });
  const via = pick(path, "ancestor", "common_ancestor");
  return h("div", null, svg, h("span", { class: "muted" },
    via ? t("via_ancestor", { name: personName(typeof via === "object" ? via : { pid: via }) }) : "",
    pick(path, "contribution") !== undefined ? ` · φ += ${phiText(pick(path, "contribution"))}` : ""));
}

function result(body) {
  const paths = listOf(body, "paths");
  return h("div", null, h("div", { class: "grid2" }, card(t("kin_terms"), termBoth(body)),
    card(t("marriage_law"), verdict(body))), h("p"),
  card(t("paths_title", { n: paths.length }), paths.length ? paths.map(pathChart)
    : h("div", { class: "state empty" }, t("no_paths"))));
}

export function relationshipView(main, a = "", b = "") {
  const out = h("div", { id: "relationship-result" });
  const ia = h("input", { id: "rel-a", required: true, value: a, maxlength: 64, placeholder: t("ref_placeholder") });
  const ib = h("input", { id: "rel-b", required: true, value: b, maxlength: 64, placeholder: t("ref_placeholder") });
  const form = h("form", { class: "inline", id: "relationship-form", onsubmit: (e) => {
    e.preventDefault();
    load(out, () => call("/v1/relationship", { method: "POST", body: { a: ia.value.trim(), b: ib.value.trim() } }), result);
  } }, h("label", { class: "field" }, t("person_a"), ia), h("label", { class: "field" }, t("person_b"), ib),
  h("button", { class: "primary", type: "submit" }, t("check")));
  main.append(h("h1", null, t("relationship_title")), card(null, h("p", { class: "muted" }, t("relationship_hint")), form), out);
  if (a && b) form.requestSubmit();
}
