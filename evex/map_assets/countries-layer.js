// The world's countries as a Leaflet layer (Natural Earth through world-atlas, read by topojson-client): the
// base layer that needs no network, for `evex map`'s page and under `evex browse`'s cluster map alike.
// A ring that crosses the antimeridian (Russia, Fiji) is drawn east of 180° rather than across the map;
// Antarctica (ISO 010), which runs along it, is left out.
function evexCountryLayer(L, world, options) {
  const unwrap = ring => {
    if (ring.some((point, i) => i && Math.abs(point[0] - ring[i - 1][0]) > 180))
      for (const point of ring) if (point[0] < 0) point[0] += 360;
  };
  const land = topojson.feature(world, world.objects.countries);
  land.features = land.features.filter(country => country.id !== "010");
  for (const country of land.features) {
    const geometry = country.geometry;
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    for (const polygon of polygons) polygon.forEach(unwrap);
  }
  return L.geoJSON(land, Object.assign(
    {style: {color: "#888", weight: 0.6, fillColor: "#eef0e8", fillOpacity: 1}, interactive: false}, options));
}
const EVEX_SEA = "#cfe3f3";
