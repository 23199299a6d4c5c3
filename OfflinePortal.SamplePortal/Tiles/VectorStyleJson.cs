using System.Text.Json.Nodes;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// The default Mapbox GL (v8) style of the vector tile service, at <c>resources/styles/root.json</c>. Its source
/// points at the service with the relative URL ArcGIS uses (<c>../../</c>), resolved against the style's URL;
/// no labels, so no glyphs or sprite. Every source layer of the tiles has a style layer.
/// </summary>
internal static class VectorStyleJson
{
    private const string Style = """
        {
          "version": 8,
          "name": "Sample water utility",
          "sources": {
            "esri": { "type": "vector", "url": "../../" }
          },
          "layers": [
            { "id": "background", "type": "background", "paint": { "background-color": "#F2EFE9" } },
            {
              "id": "pressure_zones/fill", "type": "fill", "source": "esri", "source-layer": "pressure_zones",
              "paint": { "fill-color": "#8EC9E8", "fill-opacity": 0.45, "fill-outline-color": "#4F7F99" }
            },
            {
              "id": "water_mains/line", "type": "line", "source": "esri", "source-layer": "water_mains",
              "layout": { "line-cap": "round", "line-join": "round" },
              "paint": { "line-color": "#2F7FD8", "line-width": ["interpolate", ["linear"], ["zoom"], 10, 0.5, 14, 1.5, 17, 4] }
            },
            {
              "id": "valves/circle", "type": "circle", "source": "esri", "source-layer": "valves", "minzoom": 15,
              "paint": { "circle-color": "#1E8C3A", "circle-radius": 3, "circle-stroke-color": "#FFFFFF", "circle-stroke-width": 1 }
            },
            {
              "id": "hydrants/circle", "type": "circle", "source": "esri", "source-layer": "hydrants", "minzoom": 15,
              "paint": { "circle-color": "#D7261E", "circle-radius": 4, "circle-stroke-color": "#FFFFFF", "circle-stroke-width": 1 }
            }
          ]
        }
        """;

    public static JsonNode Root() => JsonNode.Parse(Style)!;
}
