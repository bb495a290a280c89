// A table whose cells carry their column's label: on a phone each row shows as a card
// (label, then value; decision.css), on a wide screen as a table row.
import { h } from "./ui.js";

// columns: {label, value(row) -> node|text, cls?, translate?}; attrs: {cls, row(row) -> attrs}.
export function labelled(columns, rows, attrs = {}) {
  const head = h("tr", null, columns.map((c) => h("th", null, c.label)));
  const body = rows.map((row) => h("tr", attrs.row ? attrs.row(row) : null, columns.map((c) =>
    h("td", { "data-label": c.label, class: c.cls || null, translate: c.translate || null }, c.value(row) ?? ""))));
  return h("div", { class: "table-wrap" }, h("table", { class: `cards ${attrs.cls || ""}` },
    h("thead", null, head), h("tbody", null, body)));
}
