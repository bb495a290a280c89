// The API client: the key from sessionStorage, the declared purpose, problem+json errors,
// and the causal bookmarks: each request sends the X-Bookmarks of the last response, so
// the page reads its own decisions and issuances whichever API worker serves it.
const KEY = "kg.key";
const PURPOSE = "kg.purpose";
const BOOKMARKS = "kg.bookmarks";
// Problems after which the stored bookmarks are dropped (a reloaded or lagging graph).
const STALE_BOOKMARKS = new Set(["bookmark_invalid", "graph_behind"]);

export class ApiError extends Error {
  constructor(status, code, detail, errors = [], reason = code) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.reason = reason; // why, as a stable code (the page translates it; never the detail)
    this.detail = detail;
    this.errors = errors; // invalid fields: {location, field, reason}
  }
}

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { sessionStorage.setItem(KEY, value); },
  get purpose() { return sessionStorage.getItem(PURPOSE) || "casework"; },
  set purpose(value) { sessionStorage.setItem(PURPOSE, value); },
  get bookmarks() { return sessionStorage.getItem(BOOKMARKS); },
  set bookmarks(value) {
    if (value) sessionStorage.setItem(BOOKMARKS, value); else sessionStorage.removeItem(BOOKMARKS);
  },
  me: null,
  clear() { sessionStorage.removeItem(KEY); this.bookmarks = null; this.me = null; },
};

function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") u.searchParams.set(name, value);
  }
  return u;
}

async function problem(res) {
  try {
    const body = await res.json();
    const code = body.code || String(res.status);
    return new ApiError(res.status, code, body.detail || body.title,
      Array.isArray(body.errors) ? body.errors : [], body.reason || code);
  } catch {
    return new ApiError(res.status, String(res.status), res.statusText);
  }
}

// After a write: its bookmarks replace the ones it was sent with; those another request
// stored meanwhile stay (as the server's flows do).
function advance(current, sent, got) {
  const split = (v) => (v ? v.split(",") : []);
  const superseded = new Set(split(sent));
  const kept = split(current).filter((b) => !superseded.has(b));
  return [...new Set([...kept, ...split(got)])].sort().join(",");
}

// GET/POST a /v1 path; resolves to the JSON body, rejects with ApiError.
// A 401 also tells the page (event "kg:unauthenticated") so it can ask to sign in again.
export async function call(path, { method = "GET", query, body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${session.key || ""}`, "X-Purpose": session.purpose };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const sent = session.bookmarks;
  if (sent) headers["X-Bookmarks"] = sent;
  let res;
  try {
    res = await fetch(url(path, query), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  const got = res.headers.get("X-Bookmarks");
  if (got && got !== sent) session.bookmarks = advance(session.bookmarks, sent, got);
  if (!res.ok) {
    const err = await problem(res);
    if (STALE_BOOKMARKS.has(err.code)) session.bookmarks = null;
    if (res.status === 401) window.dispatchEvent(new CustomEvent("kg:unauthenticated"));
    throw err;
  }
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

// The list inside a list response, whatever the route calls it.
export function listOf(body, ...names) {
  if (Array.isArray(body)) return body;
  for (const name of [...names, "items", "results", "rows"]) {
    if (body && Array.isArray(body[name])) return body[name];
  }
  return [];
}
