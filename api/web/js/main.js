// The page's shell: sign-in, who is signed in, navigation, language, expired keys.
import { call, session } from "./api.js";
import { language, setLanguage, t } from "./i18n.js";
import { h, explain } from "./ui.js";
import { searchView } from "./views/search.js";
import { personView } from "./views/person.js";
import { relationshipView } from "./views/relationship.js";
import { thalassemiaView } from "./views/thalassemia.js";
import { eligibilityView } from "./views/eligibility.js";
import { reviewView } from "./views/review.js";
import { flowsView } from "./views/flows.js";
import { adminView } from "./views/admin.js";
import { contactsView } from "./views/contacts.js";
import { conditionsView } from "./views/conditions.js";

const PAGE_ROLES = new Set(["officer", "admin"]);
const PURPOSES = ["casework", "screening", "eligibility", "review", "oversight"];

// Route table: hash prefix, nav label key, view, roles allowed (admin-only views hidden).
const ROUTES = [
  { path: "search", label: "nav_search", view: searchView, roles: PAGE_ROLES },
  { path: "person", label: null, view: personView, roles: PAGE_ROLES },
  { path: "relationship", label: "nav_relationship", view: relationshipView, roles: PAGE_ROLES },
  { path: "thalassemia", label: "nav_thalassemia", view: thalassemiaView, roles: PAGE_ROLES },
  { path: "conditions", label: "nav_conditions", view: conditionsView, roles: PAGE_ROLES },
  { path: "contacts", label: "nav_contacts", view: contactsView, roles: PAGE_ROLES },
  { path: "eligibility", label: "nav_eligibility", view: eligibilityView, roles: PAGE_ROLES },
  { path: "flows", label: "nav_flows", view: flowsView, roles: PAGE_ROLES },
  { path: "review", label: "nav_review", view: reviewView, roles: PAGE_ROLES },
  { path: "admin", label: "nav_admin", view: adminView, roles: new Set(["admin"]) },
];

const main = document.getElementById("main");

export function notice(text, tone = "error") {
  const box = document.getElementById("notice");
  box.hidden = !text;
  box.className = tone;
  box.textContent = text || "";
}

function parts() {
  const [path = "search", ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  return { path: path || "search", args: rest.map(decodeURIComponent) };
}

function renderNav() {
  document.getElementById("brand").textContent = t("app_title");
  document.title = t("app_title");
  const role = session.me?.role;
  const current = parts().path;
  const links = ROUTES.filter((r) => r.label && role && r.roles.has(role)).map((r) =>
    h("a", { href: `#/${r.path}`, class: r.path === current ? "active" : null,
      "data-nav": r.path }, t(r.label)));
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("nav_main"));
  nav.replaceChildren(...links);
  document.getElementById("who").replaceChildren(...whoBox());
}

function whoBox() {
  const lang = h("button", { type: "button", id: "lang", onclick: () => {
    setLanguage(language() === "zh" ? "en" : "zh"); route(); } }, t("switch_language"));
  if (!session.me) return [lang];
  const purpose = h("select", { id: "purpose", title: t("purpose_hint"), onchange: (e) => {
    session.purpose = e.target.value; } },
  PURPOSES.map((p) => h("option", { value: p, selected: p === session.purpose }, t(`purpose_${p}`))));
  return [
    h("span", { id: "whoami" }, t("signed_in_as"), " ", h("b", { translate: "no" }, session.me.name), " ",
      h("span", { class: "role", "data-role": session.me.role }, t(`role_${session.me.role}`))),
    h("label", { class: "row" }, t("purpose"), purpose), lang,
    h("button", { type: "button", id: "signout", onclick: signOut }, t("sign_out")),
  ];
}

function signInForm(message) {
  const input = h("input", { id: "key", type: "password", autocomplete: "off", required: true,
    placeholder: "kg_…", "aria-label": t("api_key") });
  const status = h("div", { id: "signin-status", role: "alert" },
    message ? h("div", { class: "state error" }, message) : null);
  const form = h("form", { class: "card signin", id: "signin", onsubmit: async (e) => {
    e.preventDefault();
    await signIn(input.value.trim(), status);
  } }, h("h1", null, t("sign_in_title")), h("p", { class: "muted" }, t("sign_in_hint")),
  h("label", { class: "field" }, t("api_key"), input), h("p"),
  h("button", { class: "primary", type: "submit" }, t("sign_in")), status);
  main.replaceChildren(form);
  input.focus();
}

async function signIn(key, status) {
  status.replaceChildren(h("div", { class: "state" }, h("span", { class: "spinner" }), t("signing_in")));
  session.key = key;
  const outcome = await whoAmI();
  if (outcome === true) { notice(""); route(); return; }
  session.clear();
  status.replaceChildren(h("div", { class: "state error" }, outcome));
}

// True when the key may use the page; otherwise the reason to show.
async function whoAmI() {
  try {
    const me = await call("/v1/me");
    if (!PAGE_ROLES.has(me.role)) return t("role_not_for_page", { role: t(`role_${me.role}`) });
    session.me = me;
    return true;
  } catch (err) {
    return err.status === 401 ? t("key_rejected") : explain(err);
  }
}

function signOut() {
  session.clear();
  notice("");
  location.hash = "#/search";
  route();
}

// A key refused after sign-in has expired or been revoked; a key refused while signing
// in was never valid, and the sign-in form says so itself (密钥无效).
window.addEventListener("kg:unauthenticated", () => {
  if (!session.me) return;
  session.clear();
  renderNav();
  signInForm(t("session_expired"));
});

export async function route() {
  if (session.key && !session.me) {
    const outcome = await whoAmI();
    if (outcome !== true) { session.clear(); renderNav(); signInForm(outcome); return; }
  }
  renderNav();
  if (!session.me) { signInForm(); return; }
  const { path, args } = parts();
  const found = ROUTES.find((r) => r.path === path) || ROUTES[0];
  if (!found.roles.has(session.me.role)) {
    main.replaceChildren(h("div", { class: "state error", id: "forbidden" }, t("view_forbidden")));
    return;
  }
  main.replaceChildren();
  found.view(main, ...args);
}

window.addEventListener("hashchange", () => route());
route();
