// The side-by-side comparison of a possible match: the two persons' key facts, then every
// record of each, feed by feed (GET /v1/reviews/{id}: ``compared``).
import { call } from "../../api.js";
import { t } from "../../i18n.js";
import { h, loading, failure, sexText } from "../../ui.js";
import { dataList, feedText, sourceText } from "../../records.js";
import { byPid } from "./jobs.js";

const FACTS = [
  ["name", (c) => c.person.name || t("unnamed"), true],
  ["sex", (c) => sexText(c.person.sex), false],
  ["birth_date", (c) => c.person.birth_date || t("unknown"), false],
  ["id_number", (c) => c.person.id_number || "—", true],
  ["registered_in", (c) => c.division_name || t("division_unknown"), true],
  ["mentions", (c) => t("mentions_n", { n: c.mentions ?? 0 }), false],
];

function cell(text, verbatim, side) {
  return h("div", { class: "cmp-cell", "data-side": side, translate: verbatim ? "no" : null }, text);
}

function facts(a, b) {
  // A side that does not know a fact is not compared on it.
  const unknown = new Set(["—", t("unknown"), t("unnamed"), t("division_unknown")]);
  const rows = FACTS.map(([name, value, verbatim]) => {
    const [x, y] = [a ? value(a) : "—", b ? value(b) : "—"];
    const same = x === y;
    const compared = name !== "mentions" && a && b && !unknown.has(x) && !unknown.has(y);
    return [h("div", { class: "cmp-label" }, t(name),
      compared ? h("span", { class: `badge ${same ? "good" : "bad"}` },
        t(same ? "agrees" : "differs")) : null),
    cell(x, verbatim, t("side_a")), cell(y, verbatim, t("side_b"))];
  });
  return h("div", { class: "cmp-grid cmp-facts", "data-compare": "facts" },
    h("div", { class: "cmp-head" }), h("div", { class: "cmp-head" }, t("side_a")),
    h("div", { class: "cmp-head" }, t("side_b")), rows);
}

function records(list) {
  if (!list.length) return h("span", { class: "muted" }, "—");
  return h("ul", { class: "cmp-records" }, list.map((r) => h("li", { "data-key": r.key },
    h("details", null, h("summary", null, `${t(`party_${r.role}`)} · ${sourceText(r.source)} · `,
      h("span", { translate: "no" }, r.record_id)), dataList(r.data)))));
}

function byFeed(rowsA, rowsB) {
  const feeds = [...new Set([...rowsA, ...rowsB].map((r) => r.feed))].sort();
  return h("div", { class: "cmp-grid cmp-rows", "data-compare": "records" },
    h("div", { class: "cmp-head" }), h("div", { class: "cmp-head" }, t("side_a")),
    h("div", { class: "cmp-head" }, t("side_b")),
    feeds.map((feed) => [h("div", { class: "cmp-label", "data-feed": feed }, feedText(feed)),
      h("div", { class: "cmp-cell", "data-side": t("side_a") }, records(rowsA.filter((r) => r.feed === feed))),
      h("div", { class: "cmp-cell", "data-side": t("side_b") }, records(rowsB.filter((r) => r.feed === feed)))]));
}

// Fill `box` with the comparison of review `id` (read once per opening).
export async function compareInto(box, id) {
  box.replaceChildren(loading());
  let item;
  try {
    item = await call(`/v1/reviews/${encodeURIComponent(id)}`);
  } catch (err) {
    box.replaceChildren(failure(err));
    return;
  }
  const persons = byPid(item);
  const rows = Object.fromEntries((item.compared || []).map((c) => [c.pid, c.records]));
  const [a, b] = [item.left_pid, item.right_pid];
  box.replaceChildren(h("section", { class: "compare", "data-review": id },
    h("h3", null, t("compare_fields")), facts(persons[a], persons[b]),
    h("h3", null, t("compare_title")), byFeed(rows[a] || [], rows[b] || [])));
}
