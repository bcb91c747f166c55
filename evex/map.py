"""`evex map`: the geocoded events on a map in one HTML file that opens without internet.

Leaflet (from npm, files in `evex/map_assets/`) and the events are inlined in the page; the world's
countries (Natural Earth through npm's `world-atlas`, TopoJSON read by `topojson-client`) are the
base layer, so nothing is fetched. OpenStreetMap's tiles are an optional layer for when the reader
is online.
"""

from __future__ import annotations

import json
from importlib.resources import files

from sqlalchemy import Engine

from evex.export import event_features

ASSETS = files("evex") / "map_assets"

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>evex: {count} événements géolocalisés</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{leaflet_css}</style>
<style>html, body, #map {{ height: 100%; margin: 0; }} .legend {{ background: #fff; padding: 6px 8px;
font: 13px sans-serif; }} .legend i {{ display: inline-block; width: 10px; height: 10px; border-radius: 5px;
margin-right: 4px; }} .leaflet-control-layers-toggle {{ background-image: none; }}
.leaflet-control-layers-toggle::after {{ content: "\\2630"; font-size: 22px; line-height: 44px; display: block;
text-align: center; color: #333; }}</style>
</head>
<body>
<div id="map"></div>
<script>{leaflet_js}</script>
<script>{topojson_js}</script>
<script>{countries_js}</script>
<script>
const events = {events};
const world = {world};
const colours = {{MEETING: "#1f77b4", VISIT: "#d62728", AGREEMENT: "#2ca02c", WORKSHOP: "#ff7f0e"}};
const map = L.map("map", {{worldCopyJump: true}}).setView([20, 10], 2);
const countries = evexCountryLayer(L, world).addTo(map);
map.getContainer().style.background = EVEX_SEA;
const tiles = L.tileLayer("https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png",
  {{maxZoom: 18, attribution: "&copy; OpenStreetMap"}});
function popup(p) {{
  const box = document.createElement("div");
  const line = (label, value) => {{
    if (value === null || value === undefined || value === "") return;
    const row = document.createElement("div");
    const key = document.createElement("b");
    key.textContent = label + " : ";
    row.append(key, String(value));
    box.append(row);
  }};
  line("Événement", p.type + " #" + p.event_id);
  line("Dates", p.end ? p.start + " → " + p.end : p.start);
  line("Lieu", p.location + (p.place && p.place !== p.location ? " (" + p.place + ")" : ""));
  line("Précision", p.place_precision);
  line("Statut", p.status);
  line("Participants", p.participants);
  line("Articles", p.n_articles);
  line("Première source", p.first_source);
  return box;
}}
// Events at one place share one circle (larger the more articles report them), its popup lists them all.
const byPlace = new Map();
for (const feature of events.features) {{
  const key = feature.geometry.coordinates.join(",");
  if (!byPlace.has(key)) byPlace.set(key, []);
  byPlace.get(key).push(feature.properties);
}}
const markers = L.featureGroup();
for (const [key, found] of byPlace) {{
  const [lon, lat] = key.split(",").map(Number);
  const types = new Set(found.map(p => p.type));
  const articles = found.reduce((sum, p) => sum + p.n_articles, 0);
  const box = document.createElement("div");
  box.style.maxHeight = "300px";
  box.style.overflowY = "auto";
  found.forEach((p, i) => {{ if (i) box.append(document.createElement("hr")); box.append(popup(p)); }});
  L.circleMarker([lat, lon], {{radius: 5 + 2 * Math.min(articles, 5), weight: 1, color: "#333",
    fillColor: types.size === 1 ? colours[found[0].type] || "#555" : "#777", fillOpacity: 0.8}})
    .bindPopup(box).bindTooltip(found.length + " événement(s) : " + found[0].location).addTo(markers);
}}
markers.addTo(map);
L.control.layers({{"Pays (hors ligne)": countries, "OpenStreetMap (en ligne)": tiles}}, {{"Événements": markers}})
  .addTo(map);
const legend = L.control({{position: "bottomleft"}});
legend.onAdd = () => {{
  const box = L.DomUtil.create("div", "legend");
  for (const [type, colour] of [...Object.entries(colours), ["plusieurs types", "#777"]]) {{
    const row = document.createElement("div");
    const dot = document.createElement("i");
    dot.style.background = colour;
    row.append(dot, type);
    box.append(row);
  }}
  return box;
}};
legend.addTo(map);
if (events.features.length) map.fitBounds(markers.getBounds(), {{maxZoom: 6, padding: [20, 20]}});
</script>
</body>
</html>
"""


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_map(engine: Engine) -> tuple[str, int]:
    """The page and the number of events it places."""
    collection = event_features(engine)
    page = PAGE.format(
        count=len(collection["features"]),
        leaflet_css=(ASSETS / "leaflet.css").read_text(encoding="utf-8"),
        leaflet_js=(ASSETS / "leaflet.js").read_text(encoding="utf-8"),
        topojson_js=(ASSETS / "topojson-client.min.js").read_text(encoding="utf-8"),
        countries_js=(ASSETS / "countries-layer.js").read_text(encoding="utf-8"),
        events=_script_json(collection),
        world=(ASSETS / "countries-110m.json").read_text(encoding="utf-8"),
    )
    return page, len(collection["features"])
