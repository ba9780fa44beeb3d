// Show where a report is with Leaflet; tiles only when a tile server is configured.
// Only a shared pin is a marker: a village's centre is a circle, a municipality its boundary
// (or a circle round its seat), so an approximate location never looks like an exact one.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var data = element.dataset;
  var point = [parseFloat(data.lat), parseFloat(data.lon)];
  var area = {color: "#b03a2e", weight: 2, fillOpacity: 0.15};
  var map = L.map(element).setView(point, 16);
  if (data.tiles) {
    L.tileLayer(data.tiles, {
      maxZoom: 19,
      attribution: "&copy; OpenStreetMap contributors"
    }).addTo(map);
  }

  function drawn(kind) {
    element.dataset.drawn = kind;
    element.dataset.ready = "1";
  }

  function circle() {
    var shape = L.circle(point, L.extend({radius: parseFloat(data.radius) || 1500}, area));
    shape.addTo(map);
    map.fitBounds(shape.getBounds());
    drawn("circle");
  }

  if (data.location === "pin") {
    L.marker(point).addTo(map);
    drawn("marker");
  } else if (data.boundary && window.fetch) {
    fetch(data.boundary, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) {
        throw new Error("no boundary: " + response.status);
      }
      return response.json();
    }).then(function (feature) {
      var outline = L.geoJSON(feature, {
        style: function () { return area; },
        attribution: "Boundary &copy; OpenStreetMap contributors, geoBoundaries"
      }).addTo(map);
      map.fitBounds(outline.getBounds());
      drawn("boundary");
    }).catch(circle);
  } else {
    circle();
  }
})();
