// The showroom pages' interactive map: with a tile server configured, the
// server leaves an empty #sr-livemap box and the points in the page
// (data-lat/data-lng on each showroom); this draws them on the vendored
// Leaflet. Without tiles, without JavaScript or if Leaflet fails, the
// list and the server-drawn SVG remain the map.
(function () {
  var box = document.getElementById('sr-livemap');
  if (!box || !window.L || !box.getAttribute('data-tiles')) return;
  var points = [];
  var nodes = document.querySelectorAll('[data-lat][data-lng]');
  for (var i = 0; i < nodes.length; i++) {
    var lat = parseFloat(nodes[i].getAttribute('data-lat'));
    var lng = parseFloat(nodes[i].getAttribute('data-lng'));
    if (isNaN(lat) || isNaN(lng)) continue;
    var link = nodes[i].querySelector('h1, h3 a');
    points.push({ ll: [lat, lng], name: link ? link.textContent : '', href: link && link.href ? link.getAttribute('href') : '' });
  }
  if (!points.length) return;
  box.hidden = false;
  // the attribution is text from the configuration, never markup
  var attribution = box.getAttribute('data-attribution') || '';
  var esc = document.createElement('span');
  esc.textContent = attribution;
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.getAttribute('data-tiles'), { maxZoom: 18, attribution: esc.innerHTML }).addTo(map);
  var bounds = [];
  points.forEach(function (p, n) {
    var m = L.circleMarker(p.ll, { radius: 9, color: '#fff', weight: 2, fillColor: '#1b5e20', fillOpacity: 1 }).addTo(map);
    if (p.name) m.bindTooltip((n + 1) + '. ' + p.name);
    if (p.href) {
      var a = document.createElement('a');
      a.href = p.href;
      a.textContent = p.name;
      m.bindPopup(a);
    }
    bounds.push(p.ll);
  });
  var you = (box.getAttribute('data-you') || '').split(',');
  if (you.length === 2) {
    var ll = [parseFloat(you[0]), parseFloat(you[1])];
    if (!isNaN(ll[0]) && !isNaN(ll[1])) {
      L.circleMarker(ll, { radius: 7, color: '#fff', weight: 2, fillColor: '#1d4ed8', fillOpacity: 1 })
        .bindTooltip(box.getAttribute('data-you-label') || '').addTo(map);
      bounds.push(ll);
    }
  }
  if (bounds.length === 1) map.setView(bounds[0], 15);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
  // the live map replaces the server's sketch
  var sketch = document.querySelector('.pl-map-fig');
  if (sketch) sketch.hidden = true;
})();
