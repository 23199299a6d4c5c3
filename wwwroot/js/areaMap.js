// Leaflet + leaflet-geoman map for areas of interest. Leaflet and geoman are loaded as classic scripts (window.L).
// createAreaMap returns an object the Blazor component keeps (IJSObjectReference) and calls setGeoJson/dispose on.

const webMercatorToLatLng = (x, y) => {
  const lon = (x / 6378137) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(y / 6378137)) - Math.PI / 2) * (180 / Math.PI);
  return L.latLng(lat, lon);
};

async function fitToServiceExtent(map, infoUrl) {
  try {
    const response = await fetch(infoUrl, { credentials: 'same-origin' });
    if (!response.ok) return;
    const info = await response.json();
    const e = info.initialExtent || info.fullExtent;
    if (!e) return;
    const wkid = e.spatialReference && (e.spatialReference.latestWkid || e.spatialReference.wkid);
    const bounds = wkid === 4326
      ? L.latLngBounds([e.ymin, e.xmin], [e.ymax, e.xmax])
      : L.latLngBounds(webMercatorToLatLng(e.xmin, e.ymin), webMercatorToLatLng(e.xmax, e.ymax));
    if (bounds.isValid()) map.fitBounds(bounds);
  } catch {
    // The basemap's extent is a convenience; without it the map keeps the world view.
  }
}

// Geoman draws its toolbar buttons as <a role="button"> with the name only in a nested title; give them real names.
function labelToolbar(element) {
  element.querySelectorAll('.leaflet-buttons-control-button').forEach((button) => {
    const icon = button.querySelector('.control-icon');
    const fromIcon = icon && [...icon.classList].find((c) => c.startsWith('leaflet-pm-icon-'));
    const title = button.closest('[title]')?.getAttribute('title')
      || (fromIcon ? fromIcon.replace('leaflet-pm-icon-', '').replace(/-/g, ' ') : null);
    if (title && !button.getAttribute('aria-label')) button.setAttribute('aria-label', title);
  });
}

export function createAreaMap(element, dotNetRef, options) {
  const map = L.map(element, { zoomControl: true, attributionControl: true }).setView([20, 0], 2);
  if (options.basemapUrlTemplate) {
    L.tileLayer(options.basemapUrlTemplate, { maxZoom: 20, attribution: options.basemapAttribution || '' }).addTo(map);
  }
  // Hook for the web map's own layers (tiled services for now).
  for (const overlay of options.overlays || []) {
    if (overlay.kind === 'tile') L.tileLayer(overlay.urlTemplate, { maxZoom: 20, opacity: overlay.opacity ?? 1 }).addTo(map);
  }
  const shapes = L.featureGroup().addTo(map);
  const style = { color: '#2d4a8a', weight: 2, fillOpacity: 0.15 };

  const toGeoJson = () => (shapes.getLayers().length === 0 ? null : JSON.stringify(shapes.toGeoJSON()));
  const notify = () => dotNetRef.invokeMethodAsync('OnGeometryChanged', toGeoJson());
  const watch = (layer) => {
    layer.on('pm:edit pm:dragend', notify);
  };

  const setGeoJson = (json, fit) => {
    shapes.clearLayers();
    if (json) {
      L.geoJSON(JSON.parse(json), { style }).eachLayer((layer) => {
        shapes.addLayer(layer);
        watch(layer);
      });
      if (fit !== false && shapes.getLayers().length > 0) map.fitBounds(shapes.getBounds(), { maxZoom: 16 });
    }
  };

  if (options.geoJson) {
    setGeoJson(options.geoJson, true);
  } else if (options.basemapInfoUrl) {
    fitToServiceExtent(map, options.basemapInfoUrl);
  }

  if (options.editable && map.pm) {
    map.pm.setGlobalOptions({ layerGroup: shapes, pathOptions: style, allowSelfIntersection: false });
    map.pm.addControls({
      position: 'topleft',
      drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false, drawText: false,
      drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: false, removalMode: true, rotateMode: false,
    });
    labelToolbar(element);
    map.on('pm:create', (e) => {
      // One drawn shape per area: a new drawing replaces the old one (uploads may hold several polygons).
      shapes.eachLayer((layer) => { if (layer !== e.layer) shapes.removeLayer(layer); });
      if (!shapes.hasLayer(e.layer)) shapes.addLayer(e.layer);
      watch(e.layer);
      notify();
    });
    map.on('pm:remove', notify);
  }
  // The map may be created while its container is still being laid out.
  setTimeout(() => map.invalidateSize(), 0);

  return {
    setGeoJson: (json) => setGeoJson(json, true),
    dispose: () => map.remove(),
  };
}
