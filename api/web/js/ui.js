// Small DOM helpers: elements, SVG, tables, and the loading / empty / error states.
import { t, bi } from "./i18n.js";
import { problemNodes, reasonText, statusText } from "./problems.js";

const SVG_NS = "http://www.w3.org/2000/svg";

function assign(node, attrs) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  return node;
}

function append(node, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return node;
}

// h("div", {class: "card"}, child, ...) -> an HTML element.
export function h(tag, attrs, ...kids) {
  return append(assign(document.createElement(tag), attrs), kids);
}

// s("rect", {x: 1}) -> an SVG element.
export function s(tag, attrs, ...kids) {
  return append(assign(document.createElementNS(SVG_NS, tag), attrs), kids);
}

export function loading(text) {
  return h("div", { class: "state loading", role: "status" }, h("span", { class: "spinner" }),
    text || t("loading"));
}

export function empty(text) { return h("div", { class: "state empty" }, text || t("empty")); }

// The message an officer should read for an API error (one line: status and reason).
export function explain(err) {
  return [statusText(err), reasonText(err)].filter(Boolean).join(" ");
}

export function failure(err, { missingRoute = false } = {}) {
  const notLanded = missingRoute && err?.status === 404 && err?.code === "not_found";
  return h("div", { class: "state error", role: "alert", "data-status": err?.status ?? "" },
    notLanded ? t("err_route_missing") : problemNodes(err));
}

// Fill `box` with a loading state, then with render(result), an empty state or the error.
// With `current`, an answer that arrives once current() is false (a later load of the same
// box has begun: another page, another filter) is dropped; the later load fills the box,
// whichever answer the server sends first.
export async function load(box, fetcher, render, { isEmpty, emptyText, current = () => true } = {}) {
  box.replaceChildren(loading());
  try {
    const result = await fetcher();
    if (!current()) return undefined;
    if (isEmpty && isEmpty(result)) box.replaceChildren(empty(emptyText));
    else box.replaceChildren(render(result));
    return result;
  } catch (err) {
    if (!current()) return undefined;
    if (!(err && "status" in err)) console.warn(err);
    box.replaceChildren(failure(err, { missingRoute: true }));
    return undefined;
  }
}

// A table from column specs {label, value(row) -> node|text}; with `stack`, each row
// becomes a block of labelled lines on a phone (app.css: table.stack).
export function table(columns, rows, { rowClass, stack = false } = {}) {
  const head = h("tr", null, columns.map((c) => h("th", null, c.label)));
  const body = rows.map((row, i) => h("tr", { class: rowClass ? rowClass(row) : null },
    columns.map((c) => h("td", stack ? { "data-label": c.label } : null, c.value(row, i) ?? ""))));
  return h("div", { class: "table-wrap" }, h("table", { class: stack ? "stack" : null },
    h("thead", null, head), h("tbody", null, body)));
}

export function card(title, ...kids) {
  return h("section", { class: "card" }, title ? h("h2", null, title) : null, ...kids);
}

// The first present field among dotted names: pick(row, "term.zh", "kin_term").
export function pick(obj, ...names) {
  for (const name of names) {
    let value = obj;
    for (const part of name.split(".")) value = value == null ? undefined : value[part];
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}

export function sexText(code) {
  return { 1: t("male"), 2: t("female") }[code] || t("unknown");
}

export function ethnicityText(code) {
  const key = `eth_${code}`;
  const text = t(key);
  return text === key ? code || t("unknown") : text;
}

// The person a response row names: a PersonPublic, a pseudonymous view or a bare pid.
export function personOf(row) {
  return pick(row, "person", "relative", "member") || row;
}

export function personName(p) {
  return pick(p, "name", "ref", "pid") || "?";
}

export function personLink(p) {
  const pid = pick(p, "pid");
  const label = personName(p);
  return pid ? h("a", { class: "link", translate: "no", href: `#/person/${encodeURIComponent(pid)}` }, label) : label;
}

export function pct(value) {
  if (value === undefined || value === null || Number.isNaN(Number(value))) return "";
  return `${(Number(value) * 100).toFixed(1)}%`;
}

export function termText(row) {
  const term = pick(row, "term", "kin_term", "kinship_term", "relationship");
  if (term && typeof term === "object") return bi(term);
  return bi(row, "term") || term || "";
}

export function badge(text, tone) { return h("span", { class: `badge ${tone || ""}` }, text); }

// A button that shows progress while `action` runs and re-enables itself afterwards.
export function busyButton(label, action, attrs = {}) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.replaceChildren(h("span", { class: "spinner" }), label);
    try { await action(); } finally { button.disabled = false; button.replaceChildren(label); }
  });
  return button;
}
