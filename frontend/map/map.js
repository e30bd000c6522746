/* Maps of the directory: Leaflet (vendored), loaded by app.js only when a map is shown.
   Tiles come from the operator's MAP_TILE_URL; without one the markers stand on a plain
   background and nothing is loaded from elsewhere. Data reaches the map as text only. */
(() => {
  'use strict';

  const MALANG = [-7.98, 112.63];
  const conf = document.body.dataset;
  const here = new URL('.', document.currentScript.src);
  const at = (path) => new URL(path, here).href;
  const css = (path) => document.head.append(Object.assign(document.createElement('link'),
    { rel: 'stylesheet', href: at(path) }));
  const script = (path) => new Promise((resolve, reject) => {
    const el = Object.assign(document.createElement('script'), { src: at(path) });
    el.addEventListener('load', resolve);
    el.addEventListener('error', reject);
    document.head.append(el);
  });

  function baseMap(el, zoom) {
    // maxZoom on the map itself: the cluster plugin needs one even without tiles.
    const map = L.map(el, { scrollWheelZoom: false, minZoom: 10, maxZoom: 19 }).setView(MALANG, zoom);
    map.attributionControl.setPrefix(false); // no links or flags of Leaflet's own
    if (conf.tiles) {
      L.tileLayer(conf.tiles, { attribution: conf.tilesAttribution || '', maxZoom: 19 }).addTo(map);
    } else {
      el.classList.add('plain');
      map.attributionControl.addAttribution('Peta tanpa latar: hanya letak usaha');
    }
    return map;
  }

  function pin(b, extra) {
    const closed = b.status === 'tutup' || b.status === 'tutup-sementara';
    return L.marker([b.location.lat, b.location.lon], {
      icon: L.divIcon({ className: 'pin' + (closed ? ' closed' : b.open_now ? ' open' : ''),
        iconSize: [26, 26], iconAnchor: [13, 26], popupAnchor: [0, -24] }),
      title: b.name, alt: b.name, keyboard: true, ...extra,
    });
  }

  function you(map, near) {
    if (!near) return;
    L.circleMarker(near, { radius: 8, weight: 3, color: '#1a4fd0', fillColor: '#fff', fillOpacity: 1 })
      .bindTooltip('Lokasi Anda').addTo(map);
  }

  /* The results: clustered markers; a marker opens the business's card. */
  function results(el, items, cardOf, near) {
    const map = baseMap(el, 12);
    const group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
    const located = items.filter((b) => b.location);
    for (const b of located) {
      group.addLayer(pin(b).bindPopup(() => cardOf(b), { maxWidth: 300, minWidth: 220 }));
    }
    map.addLayer(group);
    you(map, near);
    const points = located.map((b) => [b.location.lat, b.location.lon]);
    if (near) points.push(near);
    if (points.length) map.fitBounds(points, { padding: [30, 30], maxZoom: 16 });
    return { map, located: located.length, destroy: () => map.remove() };
  }

  /* One business: its marker, zoomed in. */
  function business(el, b) {
    const map = baseMap(el, 16);
    map.setView([b.location.lat, b.location.lon], 16);
    pin(b, { keyboard: false }).addTo(map);
    return { map, destroy: () => map.remove() };
  }

  // Leaflet, its cluster plugin and their styles, from vendor/ beside this folder.
  ['../vendor/leaflet/leaflet.css', '../vendor/leaflet.markercluster/MarkerCluster.css',
    '../vendor/leaflet.markercluster/MarkerCluster.Default.css', 'map.css'].forEach(css);
  const ready = script('../vendor/leaflet/leaflet.js')
    .then(() => script('../vendor/leaflet.markercluster/leaflet.markercluster.js'))
    .then(() => ({ results, business }));
  window.DirektoriPeta = ready;
})();
