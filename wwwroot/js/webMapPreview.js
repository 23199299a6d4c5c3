// Map preview of a web map with Leaflet + esri-leaflet (classic scripts: window.L, L.esri).
// Every request to the web map's services goes through the portal's proxy (esri-leaflet's `proxy` option), which adds
// the server's credential; no token is ever in the browser. The element's data attributes report what loaded, for
// tests and for people using assistive technology (the status line is rendered by Blazor).

const featureStyle = (index) => {
  const colours = ['#c62828', '#1565c0', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];
  const colour = colours[index % colours.length];
  return { colour, path: { color: colour, weight: 2, fillOpacity: 0.2 } };
};

export function createWebMapPreview(element, dotNetRef, options) {
  const map = L.map(element, { zoomControl: true, attributionControl: true }).setView([20, 0], 2);
  const state = { loaded: 0, failed: 0, features: 0 };
  const report = () => {
    element.dataset.layersLoaded = String(state.loaded);
    element.dataset.layersFailed = String(state.failed);
    element.dataset.features = String(state.features);
  };
  report();
  const loadedIds = new Set();
  const failedIds = new Set();
  const loaded = (id) => {
    if (loadedIds.has(id)) return;
    loadedIds.add(id);
    state.loaded = loadedIds.size;
    report();
    dotNetRef.invokeMethodAsync('OnLayerStatus', id, true, null).catch(() => {});
  };
  const failed = (id, message) => {
    if (failedIds.has(id)) return;
    failedIds.add(id);
    state.failed = failedIds.size;
    report();
    dotNetRef.invokeMethodAsync('OnLayerStatus', id, false, message || 'request failed').catch(() => {});
  };

  let featureIndex = 0;
  const layers = [];
  for (const layer of options.layers || []) {
    if (!layer.url) continue;
    const common = { url: layer.url, proxy: options.proxy, opacity: layer.opacity ?? 1 };
    let leafletLayer = null;
    if (layer.kind === 'Tiled') {
      leafletLayer = L.esri.tiledMapLayer({ ...common, maxZoom: 22 });
      leafletLayer.on('tileload', () => loaded(layer.id));
      leafletLayer.on('tileerror', () => failed(layer.id, 'a tile could not be loaded'));
    } else if (layer.kind === 'Dynamic') {
      // f=image keeps the export on the service's own URL (f=json would point at an output folder outside it).
      const dynamicOptions = { ...common, f: 'image', format: 'png32', transparent: true };
      if (layer.visibleLayers && layer.visibleLayers.length > 0) dynamicOptions.layers = layer.visibleLayers;
      leafletLayer = L.esri.dynamicMapLayer(dynamicOptions);
      leafletLayer.on('load', () => loaded(layer.id));
      leafletLayer.on('requesterror', (e) => failed(layer.id, e && e.message));
    } else if (layer.kind === 'Feature') {
      const style = featureStyle(featureIndex++);
      leafletLayer = L.esri.featureLayer({
        ...common,
        where: layer.definitionExpression || '1=1',
        style: () => style.path,
        pointToLayer: (geojson, latlng) => L.circleMarker(latlng, {
          radius: 5, color: '#212121', weight: 1, fillColor: style.colour, fillOpacity: 0.9, opacity: layer.opacity ?? 1,
        }),
      });
      leafletLayer.on('load', () => {
        let count = 0;
        leafletLayer.eachFeature(() => { count++; });
        state.features += count;
        loaded(layer.id);
      });
      leafletLayer.on('requesterror', (e) => failed(layer.id, e && e.message));
    }
    if (leafletLayer) {
      layers.push({ id: layer.id, leafletLayer });
      if (layer.visible) leafletLayer.addTo(map);
    }
  }

  const area = L.featureGroup().addTo(map);
  const setArea = (json) => {
    area.clearLayers();
    if (json) {
      L.geoJSON(JSON.parse(json), { style: { color: '#2d4a8a', weight: 3, fillOpacity: 0.08, dashArray: '6 4' } }).eachLayer((l) => area.addLayer(l));
    }
  };
  setArea(options.areaGeoJson);

  const e = options.extent;
  if (area.getLayers().length > 0) {
    map.fitBounds(area.getBounds(), { maxZoom: 17 });
  } else if (e && e.length === 4) {
    map.fitBounds([[e[1], e[0]], [e[3], e[2]]]);
  }
  setTimeout(() => map.invalidateSize(), 0);

  return {
    setVisible: (id, visible) => {
      const entry = layers.find((l) => l.id === id);
      if (!entry) return;
      if (visible) entry.leafletLayer.addTo(map); else map.removeLayer(entry.leafletLayer);
    },
    setArea: (json) => setArea(json),
    dispose: () => map.remove(),
  };
}
