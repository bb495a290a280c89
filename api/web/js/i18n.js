// The two string catalogues and the lookup: Chinese first, English on request.
import { zh } from "./i18n/zh.js";
import { en } from "./i18n/en.js";
import { codesEn, codesZh } from "./i18n/codes.js";
import { reviewEn, reviewZh } from "./i18n/review.js";

const CATALOGUES = { zh: { ...codesZh, ...reviewZh, ...zh }, en: { ...codesEn, ...reviewEn, ...en } };
const STORE = "kg.lang";
let lang = localStorage.getItem(STORE) === "en" ? "en" : "zh";

export function language() { return lang; }

export function setLanguage(next) {
  lang = next === "en" ? "en" : "zh";
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

// Keys asked for but missing from the current catalogue (the browser tests read it).
const missing = new Set();
window.kgI18nMissing = missing;

// True when the current catalogue has the key (for optional labels: codes without one).
export function has(key) { return key in CATALOGUES[lang]; }

// t("key", {n: 3}) -> the string in the current language, "{n}" filled in.
export function t(key, vars = {}) {
  if (!(key in CATALOGUES[lang])) missing.add(`${lang}:${key}`);
  const text = CATALOGUES[lang][key] ?? CATALOGUES.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
}

// A bilingual value from the API ({zh, en} or *_zh / *_en fields) in the current language.
export function bi(value, base) {
  if (value == null) return "";
  if (typeof value === "string") return value;
  if (base) return value[`${base}_${lang}`] ?? value[`${base}_zh`] ?? value[base] ?? "";
  return value[lang] ?? value.zh ?? value.text ?? "";
}

setLanguage(lang);
