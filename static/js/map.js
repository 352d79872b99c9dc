// Maps of shelters and hazard areas (Leaflet). The page lists everything the map shows, so
// without JavaScript, or without tiles, nothing is lost; the map is shown only when it works.
// Data comes from <script type="application/json"> blocks the page renders (map-points, and
// map-layers: GeoJSON addresses of hazard layers, fetched from this site).
(function () {
  "use strict";
  var box = document.getElementById("map");
  var pointsData = document.getElementById("map-points");
  if (!box || !pointsData || !window.L) {
    return;
  }
  var L = window.L;
  var points = JSON.parse(pointsData.textContent);
  var layersData = document.getElementById("map-layers");
  var layers = layersData ? JSON.parse(layersData.textContent) : [];
  // Colours of the Digital Agency's palette, one per shelter status and hazard kind.
  var statusColours = { open: "#197a4b", preparing: "#a58000", full: "#ec0000", closed: "#626264" };
  var hazardColours = {
    flood: "#0031d8",
    inland_flood: "#008bf2",
    storm_surge: "#5c10be",
    landslide: "#a5450b",
    other: "#ec0000"
  };

  box.hidden = false;
  // Minato City Office (芝公園1-5-25) until the points say where to look.
  var map = L.map(box, { scrollWheelZoom: false }).setView([35.6581, 139.7516], 14);
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, { maxZoom: 18, attribution: box.dataset.attribution }).addTo(map);
  } else {
    box.classList.add("map--plain");
  }

  function popup(point) {
    var content = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    content.appendChild(link);
    content.appendChild(document.createElement("br"));
    content.appendChild(
      document.createTextNode(point.status_label + " · " + point.headcount + " / " + point.capacity)
    );
    return content;
  }

  var bounds = [];
  points.forEach(function (point) {
    L.circleMarker([point.latitude, point.longitude], {
      radius: 9,
      color: "#1a1a1c",
      weight: 1,
      fillColor: statusColours[point.status] || "#626264",
      fillOpacity: 0.9
    })
      .bindPopup(popup(point))
      .addTo(map);
    bounds.push([point.latitude, point.longitude]);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 16);
  }

  if (!layers.length) {
    return;
  }
  var control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  layers.forEach(function (layer) {
    fetch(layer.url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        var colour = hazardColours[layer.kind] || hazardColours.other;
        var overlay = L.geoJSON(data, {
          style: { color: colour, weight: 1, fillColor: colour, fillOpacity: 0.25 },
          onEachFeature: function (feature, shape) {
            var properties = feature.properties || {};
            var name = properties.name || properties["名称"] || "";
            var level = properties.level || properties.depth || properties["浸水深"] || "";
            if (name || level) {
              shape.bindPopup(document.createTextNode([name, level].filter(Boolean).join(" · ")));
            }
          }
        }).addTo(map);
        // Leaflet writes an overlay's name as HTML: give it the title as text.
        var label = document.createElement("span");
        label.textContent = layer.title;
        control.addOverlay(overlay, label.outerHTML);
      });
  });
})();
