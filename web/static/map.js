// Show a report's pin with Leaflet; tiles only when a tile server is configured.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
  var map = L.map(element).setView(point, 16);
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
  }
  L.marker(point).addTo(map);
  element.dataset.ready = "1";
})();
