// A schematic of Hainan: the 24 county-level units placed by rough longitude/latitude.
import { s } from "./ui.js";

// code: [name, longitude, latitude]
export const COUNTIES = {
  460105: ["秀英区", 110.22, 19.98], 460106: ["龙华区", 110.32, 19.93],
  460107: ["琼山区", 110.45, 19.78], 460108: ["美兰区", 110.52, 20.0],
  460202: ["海棠区", 109.75, 18.36], 460203: ["吉阳区", 109.58, 18.31],
  460204: ["天涯区", 109.42, 18.31], 460205: ["崖州区", 109.17, 18.42],
  460400: ["儋州市", 109.35, 19.58], 469001: ["五指山市", 109.52, 18.85],
  469002: ["琼海市", 110.42, 19.2], 469005: ["文昌市", 110.8, 19.62],
  469006: ["万宁市", 110.32, 18.82], 469007: ["东方市", 108.8, 19.05],
  469021: ["定安县", 110.3, 19.5], 469022: ["屯昌县", 110.06, 19.34],
  469023: ["澄迈县", 110.0, 19.72], 469024: ["临高县", 109.68, 19.82],
  469025: ["白沙县", 109.42, 19.22], 469026: ["昌江县", 109.05, 19.28],
  469027: ["乐东县", 109.15, 18.7], 469028: ["陵水县", 110.02, 18.52],
  469029: ["保亭县", 109.68, 18.6], 469030: ["琼中县", 109.86, 19.04],
};

const COAST = [[110.0, 20.05], [110.35, 20.1], [110.7, 20.12], [111.0, 19.97], [111.06, 19.65],
  [110.72, 19.3], [110.52, 19.0], [110.38, 18.72], [110.06, 18.44], [109.72, 18.2], [109.42, 18.24],
  [109.1, 18.34], [108.72, 18.54], [108.64, 18.9], [108.66, 19.22], [108.92, 19.5], [109.22, 19.72],
  [109.5, 19.92], [109.76, 19.98]];

export const WIDTH = 480;
export const HEIGHT = 360;

export function project([lon, lat]) {
  return { x: 20 + ((lon - 108.55) / 2.6) * (WIDTH - 40), y: 20 + ((20.2 - lat) / 2.1) * (HEIGHT - 40) };
}

// The county a code stands for today: itself, or a retired code's successor by prefix match.
export function countyOf(code, divisions) {
  let c = String(code || "");
  for (let i = 0; i < 5 && divisions?.[c]?.[1] && divisions[c][1] !== c; i += 1) c = divisions[c][1];
  return COUNTIES[c] ? c : null;
}

export function basemap() {
  const d = COAST.map((p, i) => { const q = project(p); return `${i ? "L" : "M"}${q.x.toFixed(1)} ${q.y.toFixed(1)}`; }).join("") + "Z";
  return [s("path", { d, fill: "#e8f0e6", stroke: "#9bb59a", "stroke-width": 1.5 }),
    ...Object.entries(COUNTIES).map(([code, [name, lon, lat]]) => {
      const p = project([lon, lat]);
      return s("g", { class: "county", "data-code": code },
        s("circle", { cx: p.x, cy: p.y, r: 3, fill: "#9aa5b1" }),
        s("text", { x: p.x + 5, y: p.y + 4, "font-size": 10, fill: "#5f6c7b" }, name));
    })];
}
