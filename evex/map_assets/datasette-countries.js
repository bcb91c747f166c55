// `evex browse`: datasette-cluster-map draws OpenStreetMap's tiles only, grey without a network. Every
// Leaflet map of the page also gets `evex map`'s countries, in a pane under the tiles: offline they are
// the map; online the tiles cover them. Leaflet is loaded later by the plugin, so its arrival as
// window.L is watched for, to add the layer as each map is made (L.Map.addInitHook).
(function () {
  const base = document.currentScript.src.replace(/[^/]*$/, "");
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get: () => leaflet,
    set: value => {
      leaflet = value;
      if (value && value.Map && !value.Map.evexCountries) {
        value.Map.evexCountries = true;
        value.Map.addInitHook(function () { addCountries(this, value); });
      }
    },
  });
  function addCountries(map, L) {
    map.getContainer().style.background = EVEX_SEA;
    map.createPane("evexCountries").style.zIndex = 150;  // tiles are at 200
    fetch(base + "countries-110m.json").then(response => response.json())
      .then(world => evexCountryLayer(L, world, {pane: "evexCountries"}).addTo(map));
  }
})();
