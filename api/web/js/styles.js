// A view's own style sheet, linked once when the view is first shown (served from /web/).
const linked = new Set();

export function useStyle(name) {
  if (linked.has(name)) return;
  linked.add(name);
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = `/web/${name}`;
  document.head.append(link);
}
