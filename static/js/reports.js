// Community reports (issue 12): the map of reports (Leaflet), and on the report form the pin
// (tap the map, "use my location", or the position a photo's EXIF carries), the questions of
// the chosen kind of problem, and the reports already open nearby. Without JavaScript the form
// still works: the town select places the report, the server reads the photo's position, and
// nearby reports are shown after the first send.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var statusText = document.getElementById("location-status");

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (element) {
    element.hidden = false;
  });

  function say(key) {
    if (statusText && statusText.dataset[key]) {
      statusText.textContent = statusText.dataset[key];
    }
  }

  // --- The map ---------------------------------------------------------------------------
  var box = document.getElementById("report-map");
  var pointsData = document.getElementById("report-points");
  var map = null;
  var pin = null;
  if (box && pointsData && window.L) {
    var L = window.L;
    var points = JSON.parse(pointsData.textContent);
    box.hidden = false;
    // Minato City Office (芝公園1-5-25) until the points say where to look.
    map = L.map(box, { scrollWheelZoom: false }).setView([35.6581, 139.7516], 14);
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    } else {
      box.classList.add("map--plain");
    }
    var bounds = [];
    points.forEach(function (point) {
      var content = document.createElement("div");
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name + " (" + point.reference + ")";
      content.appendChild(link);
      content.appendChild(document.createElement("br"));
      content.appendChild(document.createTextNode(point.status_label));
      L.circleMarker([point.latitude, point.longitude], {
        radius: 8,
        color: "#1a1a1c",
        weight: 1,
        fillColor: point.colour,
        fillOpacity: 0.9
      })
        .bindPopup(content)
        .addTo(map);
      bounds.push([point.latitude, point.longitude]);
    });
    // The dashboard's heat layer: open reports counted per square, darker where there are more.
    var heatData = document.getElementById("heat-cells");
    var cells = heatData ? JSON.parse(heatData.textContent) : [];
    var most = cells.reduce(function (top, cell) {
      return Math.max(top, cell.count);
    }, 0);
    cells.forEach(function (cell) {
      L.rectangle(
        [
          [cell.south, cell.west],
          [cell.north, cell.east]
        ],
        { stroke: false, fillColor: "#ec0000", fillOpacity: 0.15 + 0.6 * (cell.count / most) }
      )
        .bindTooltip(String(cell.count))
        .addTo(map);
      bounds.push([cell.south, cell.west], [cell.north, cell.east]);
    });
    if (bounds.length > 1) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 17);
    }
  }

  if (!form) {
    return;
  }
  var latitude = form.querySelector("[name=latitude]");
  var longitude = form.querySelector("[name=longitude]");
  var service = form.querySelector("[name=service]");

  // --- The questions of the chosen kind ------------------------------------------------------
  function showQuestions() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-service-fields]"), function (set) {
      set.hidden = set.dataset.serviceFields !== service.value;
    });
  }
  if (service) {
    service.addEventListener("change", function () {
      showQuestions();
      lookNearby();
    });
    showQuestions();
  }

  // --- Reports already open nearby ----------------------------------------------------------
  function lookNearby() {
    if (!window.htmx || !service.value || !latitude.value || !longitude.value) {
      return;
    }
    var query = new URLSearchParams({
      service: service.value,
      latitude: latitude.value,
      longitude: longitude.value
    });
    window.htmx
      .ajax("GET", form.dataset.nearbyUrl + "?" + query.toString(), {
        target: "#nearby",
        swap: "innerHTML"
      })
      .then(function () {
        // The person has seen what is already reported here: sending now is their choice,
        // so the server need not stop the report to show the same list again.
        var confirmed = form.querySelector("[name=confirmed_new]");
        if (confirmed && document.getElementById("nearby-notice")) {
          confirmed.value = "on";
        }
      });
  }

  // --- The pin -----------------------------------------------------------------------------
  function place(lat, lon, zoom) {
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    if (map) {
      if (pin) {
        pin.setLatLng([lat, lon]);
      } else {
        pin = window.L.marker([lat, lon], { draggable: true, keyboard: true }).addTo(map);
        pin.on("dragend", function () {
          var where = pin.getLatLng();
          place(where.lat, where.lng);
        });
      }
      if (zoom) {
        map.setView([lat, lon], 18);
      }
    }
    say("placed");
    lookNearby();
  }
  if (latitude.value && longitude.value) {
    place(parseFloat(latitude.value), parseFloat(longitude.value), true);
  }
  if (map && box.dataset.picker) {
    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng);
    });
  }
  var locate = document.getElementById("use-location");
  if (locate) {
    if (!navigator.geolocation) {
      locate.hidden = true;
    }
    locate.addEventListener("click", function () {
      say("locating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          place(position.coords.latitude, position.coords.longitude, true);
        },
        function () {
          say("failed");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // --- A photo's position (EXIF GPS of a JPEG) ------------------------------------------------
  function gpsOf(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) {
      return null;
    }
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      var size = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) {
        return gpsInTiff(view, offset + 10);
      }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) {
        return null;
      }
      offset += 2 + size;
    }
    return null;
  }

  function gpsInTiff(view, tiff) {
    var little = view.getUint16(tiff) === 0x4949;
    function u16(at) {
      return view.getUint16(at, little);
    }
    function u32(at) {
      return view.getUint32(at, little);
    }
    function entries(ifd) {
      var found = {};
      var count = u16(ifd);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        found[u16(entry)] = entry;
      }
      return found;
    }
    function degrees(entry) {
      var at = tiff + u32(entry + 8);
      var value = 0;
      for (var i = 0; i < 3; i++) {
        var denominator = u32(at + i * 8 + 4);
        value += denominator ? u32(at + i * 8) / denominator / Math.pow(60, i) : 0;
      }
      return value;
    }
    function reference(entry) {
      return entry ? String.fromCharCode(view.getUint8(entry + 8)) : "";
    }
    try {
      var ifd0 = entries(tiff + u32(tiff + 4));
      if (!ifd0[0x8825]) {
        return null;
      }
      var gps = entries(tiff + u32(ifd0[0x8825] + 8));
      if (!gps[2] || !gps[4]) {
        return null;
      }
      var lat = degrees(gps[2]) * (reference(gps[1]) === "S" ? -1 : 1);
      var lon = degrees(gps[4]) * (reference(gps[3]) === "W" ? -1 : 1);
      return isFinite(lat) && isFinite(lon) && (lat || lon) ? [lat, lon] : null;
    } catch (error) {
      return null;
    }
  }

  // --- Large photos are made smaller before they are sent ------------------------------------
  // A phone's photo is 3-8 MB; three of them would pass the 9 MB the ward accepts. Photos
  // over LARGE bytes are redrawn at most MAX_SIDE pixels on a side (the right way up) and sent
  // as JPEG; their position has been read first. Where the browser cannot, the originals go.
  var LARGE = 1500000;
  var MAX_SIDE = 2560;

  function shrink(file) {
    if (file.size <= LARGE || !window.createImageBitmap || !/^image\/(jpeg|png)$/.test(file.type)) {
      return Promise.resolve(file);
    }
    return window
      .createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        return new Promise(function (resolve) {
          canvas.toBlob(
            function (blob) {
              var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
              resolve(blob && blob.size < file.size ? new File([blob], name, { type: "image/jpeg" }) : file);
            },
            "image/jpeg",
            0.85
          );
        });
      })
      .catch(function () {
        return file;
      });
  }

  var photos = form.querySelector("[name=photos]");
  if (photos && window.FileReader) {
    photos.addEventListener("change", function () {
      var files = Array.prototype.slice.call(photos.files || []);
      var first = files[0];
      if (first && !latitude.value) {
        // The EXIF block is at the start of the file: 256 KB is plenty.
        var reader = new FileReader();
        reader.onload = function () {
          var position = gpsOf(reader.result);
          if (position) {
            place(position[0], position[1], true);
            say("fromPhoto");
          }
        };
        reader.readAsArrayBuffer(first.slice(0, 262144));
      }
      if (!window.DataTransfer || !files.some(function (file) { return file.size > LARGE; })) {
        return;
      }
      // Sending waits until the smaller copies are ready.
      var send = form.querySelector("button[type=submit]");
      send.disabled = true;
      Promise.all(files.map(shrink)).then(function (smaller) {
        var transfer = new DataTransfer();
        smaller.forEach(function (file) {
          transfer.items.add(file);
        });
        photos.files = transfer.files;
        send.disabled = false;
      });
    });
  }
})();
