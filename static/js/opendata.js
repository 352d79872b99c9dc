// The map preview of a GeoJSON resource (Leaflet). The page lists the places too, so without
// JavaScript or tiles nothing is lost; the map is shown only when it works. The points come
// from a <script type="application/json" id="geojson-preview"> block the page renders (not
// fetched: a preview is not a download and must not be counted as one).
(function () {
  "use strict";
  var box = document.getElementById("map");
  var data = document.getElementById("geojson-preview");
  if (!box || !data || !window.L) {
    return;
  }
  var L = window.L;
  var features = JSON.parse(data.textContent);
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false }).setView([35.6581, 139.7516], 13);
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { maxZoom: 18, attribution: box.dataset.attribution }).addTo(map);
  } else {
    box.classList.add("map--plain");
  }
  var bounds = [];
  features.forEach(function (feature) {
    var latLng = [feature.coordinates[1], feature.coordinates[0]];
    L.circleMarker(latLng, { radius: 7, color: "#1a1a1c", weight: 1, fillColor: "#0031d8", fillOpacity: 0.9 })
      .bindPopup(document.createTextNode(feature.name))
      .addTo(map);
    bounds.push(latLng);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 16);
  }
})();
