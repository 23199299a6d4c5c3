using System.Text.Json;
using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.WebMaps;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.WebMaps;

public sealed class WebMapTests
{
    /// <summary>
    /// A map built from the SPEC §1.6 field list (no real capture with groups and tables exists): a group layer with a
    /// nested group, a MapServer feature layer, map notes, a table, a vector tile basemap with a reference layer,
    /// a layer without id, odd casing, the documented offline settings and an initial viewpoint.
    /// </summary>
    private static readonly string FullMap = """
        {
          "operationalLayers": [
            {"id": "grp", "layerType": "GroupLayer", "title": "Water network", "visibility": false, "layers": [
               {"id": "mains", "layerType": "ArcGISFeatureLayer", "title": "Mains", "url": "https://h/arcgis/rest/services/Water/FeatureServer/2",
                "itemId": "0123456789abcdef0123456789abcdef", "opacity": 0.75,
                "layerDefinition": {"definitionExpression": "STATUS = 'Active'", "minScale": 50000, "maxScale": 0,
                                    "drawingInfo": {"renderer": {"type": "simple"}}},
                "popupInfo": {"title": "{NAME}", "fieldInfos": [{"fieldName": "NAME", "isEditable": true}]}},
               {"id": "sub", "layerType": "grouplayer", "title": "Valves group", "layers": [
                  {"id": "valves", "layerType": "arcgisfeaturelayer", "url": "https://h/arcgis/rest/services/Water/MapServer/5", "title": "Valves",
                   "customProperty": {"keep": [1, 2.50, "x"]}}
               ]}
            ]},
            {"layerType": "ArcGISFeatureLayer", "title": "Map notes", "featureCollection": {"layers": [{"featureSet": {"features": []}}]}},
            {"id": "dyn", "layerType": "ArcGISMapServiceLayer", "url": "https://h/arcgis/rest/services/Dynamic/MapServer", "visibleLayers": [0, 3],
             "minScale": 1000000},
            {"id": "wms", "layerType": "WMS", "url": "https://wms.example.com/service"}
          ],
          "tables": [
            {"id": "insp", "title": "Inspections", "url": "https://h/arcgis/rest/services/Water/FeatureServer/7",
             "layerDefinition": {"definitionExpression": "YEAR > 2020"}}
          ],
          "baseMap": {"title": "Topographic", "baseMapLayers": [
            {"id": "vt", "layerType": "VectorTileLayer", "title": "Base", "styleUrl": "https://h/arcgis/rest/services/Topo/VectorTileServer/resources/styles/root.json"},
            {"id": "labels", "layerType": "ArcGISTiledMapServiceLayer", "isReference": true, "url": "https://h/arcgis/rest/services/Labels/MapServer"}
          ]},
          "spatialReference": {"wkid": 102100, "latestWkid": 3857},
          "version": "2.31",
          "authoringApp": "ArcGIS Map Viewer",
          "authoringAppVersion": "2025.1",
          "initialState": {"viewpoint": {"scale": 72223.819286, "rotation": 0,
             "targetGeometry": {"xmin": -13000000, "ymin": 4000000, "xmax": -12900000, "ymax": 4100000, "spatialReference": {"wkid": 102100}}}},
          "applicationProperties": {"offline": __OFFLINE__},
          "bookmarks": [{"name": "Plant", "extent": {"xmin": 1, "ymin": 2, "xmax": 3, "ymax": 4}}],
          "widgets": {"timeSlider": {"properties": {"thumbCount": 2}}}
        }
        """.Replace("__OFFLINE__", File.ReadAllText(TestPaths.Fixture("doc-example-webmap-applicationProperties-offline.json"))
            .Replace("\"syncDataOptions\"", "\"connectedOnlineLayers\":[{\"id\":\"dyn\"},{\"id\":\"ghost\"}],\"syncDataOptions\"", StringComparison.Ordinal),
            StringComparison.Ordinal);

    [Fact]
    public void Parse_FeatureLayersFixture_ReadsLayersPopupsAndServiceSplit()
    {
        var map = WebMap.Parse(File.ReadAllText(TestPaths.Fixture("webmap-data-featurelayers-popups-tiled-basemap.json")));

        Assert.Equal("2.4", map.Version);
        Assert.Equal("WebMapViewer", map.AuthoringApp);
        Assert.True(map.SpatialReference!.IsWebMercator);
        Assert.Equal(["operations_1603", "operations_503", "operations_4913"], map.OperationalLayers.Select(l => l.Id));
        var areas = map.OperationalLayers[0];
        Assert.Equal(WebMapLayerType.ArcGISFeatureLayer, areas.LayerType);
        Assert.Equal("operations - Incident Areas", areas.Title);
        Assert.Equal("https://sampleserver3.arcgisonline.com/arcgis/rest/services/HomelandSecurity/operations/FeatureServer", areas.Service!.ServiceUrl.OriginalString);
        Assert.Equal(2, areas.Service.LayerId);
        Assert.Equal(ArcGisServiceType.FeatureServer, areas.Service.ServiceType);
        Assert.Equal("Incident Areas: {ftype}", areas.PopupInfo!.Value.GetProperty("title").GetString());
        Assert.Equal(8, areas.PopupInfo.Value.GetProperty("fieldInfos").GetArrayLength());
        Assert.True(areas.Visibility);
        Assert.Equal(1, areas.Opacity);
        var basemap = Assert.Single(map.Basemap.Layers);
        Assert.Equal(WebMapLayerType.ArcGISTiledMapServiceLayer, basemap.LayerType);
        Assert.Equal(WebMapLayerRole.Basemap, basemap.Role);
        Assert.Equal(ArcGisServiceType.MapServer, basemap.Service!.ServiceType);
        Assert.Null(basemap.Service.LayerId);
        Assert.False(map.Offline.IsDefined);
        Assert.Equal(EditableLayersDownload.FeaturesAndAttachments, map.Offline.EditableLayersDownload);
        Assert.Empty(map.Warnings);
    }

    [Fact]
    public void Parse_VectorTileFixture_ReadsStyleUrlItemIdAndScales()
    {
        var map = WebMap.Parse(File.ReadAllText(TestPaths.Fixture("webmap-data-vectortile-basemap-featurelayer.json")));

        var stations = Assert.Single(map.OperationalLayers);
        Assert.Equal("44612e6217d34f40b1ce2a48f367e90a", stations.ItemId);
        Assert.Equal(2896791, stations.MinScale);
        Assert.Equal(0, stations.MaxScale);
        Assert.Null(stations.DefinitionExpression);
        var basemap = Assert.Single(map.Basemap.BaseLayers);
        Assert.Equal(WebMapLayerType.VectorTileLayer, basemap.LayerType);
        Assert.Equal("http://www.arcgis.com/sharing/rest/content/items/5ad3948260a147a993ef4865e3fad476/resources/styles/root.json", basemap.StyleUrl);
        Assert.Null(basemap.Service);
        Assert.Equal("Dark Gray Canvas", basemap.Title);
    }

    [Fact]
    public void Parse_MinimalTemplate_HasOnlyABasemap()
    {
        var map = WebMap.Parse(File.ReadAllText(TestPaths.Fixture("webmap-data-minimal-tiled-basemap-template.json")));

        Assert.Empty(map.OperationalLayers);
        Assert.Empty(map.Tables);
        Assert.Equal("defaultBasemap", Assert.Single(map.AllLayers).Id);
        Assert.Null(map.InitialViewpoint);
    }

    [Fact]
    public void Parse_GroupLayers_KeepTheTreeAndFlattenAllLayers()
    {
        var map = WebMap.Parse(FullMap);

        var group = map.OperationalLayers[0];
        Assert.True(group.IsGroup);
        Assert.False(group.Visibility);
        Assert.Equal(["mains", "sub"], group.Children.Select(c => c.Id));
        var sub = group.Children[1];
        Assert.Equal(WebMapLayerType.GroupLayer, sub.LayerType);
        var valves = Assert.Single(sub.Children);
        Assert.Same(sub, valves.Parent);
        Assert.Same(group, sub.Parent);
        Assert.Equal(WebMapLayerType.ArcGISFeatureLayer, valves.LayerType);
        Assert.Equal("$.operationalLayers[0].layers[1].layers[0]", valves.JsonPath);
        Assert.Equal(["grp", "mains", "sub", "valves", "operationalLayers-1", "dyn", "wms", "insp", "vt", "labels"], map.AllLayers.Select(l => l.Id));
        Assert.Same(valves, map.FindLayer("valves"));
    }

    [Fact]
    public void Parse_LayerDetails_DefinitionExpressionDrawingInfoAndMapServerLayer()
    {
        var map = WebMap.Parse(FullMap);

        var mains = map.FindLayer("mains")!;
        Assert.Equal("STATUS = 'Active'", mains.DefinitionExpression);
        Assert.Equal("simple", mains.DrawingInfo!.Value.GetProperty("renderer").GetProperty("type").GetString());
        Assert.Equal(50000, mains.MinScale);
        Assert.Equal(0.75, mains.Opacity);
        var valves = map.FindLayer("valves")!;
        Assert.Equal(ArcGisServiceType.MapServer, valves.Service!.ServiceType);
        Assert.Equal(5, valves.Service.LayerId);
        var dynamic = map.FindLayer("dyn")!;
        Assert.Equal([0, 3], dynamic.VisibleLayers);
        Assert.Equal(1000000, dynamic.MinScale);
        Assert.Equal(WebMapLayerType.WMS, map.FindLayer("wms")!.LayerType);
        var table = Assert.Single(map.Tables);
        Assert.True(table.IsTable);
        Assert.Equal(WebMapLayerType.ArcGISFeatureLayer, table.LayerType);
        Assert.Null(table.LayerTypeName);
        Assert.Equal("YEAR > 2020", table.DefinitionExpression);
        Assert.Equal(7, table.Service!.LayerId);
    }

    [Fact]
    public void Parse_MapNotesWithoutId_GetStableGeneratedId()
    {
        var first = WebMap.Parse(FullMap);
        var second = WebMap.Parse(FullMap);

        var notes = first.OperationalLayers[1];
        Assert.True(notes.HasFeatureCollection);
        Assert.True(notes.HasGeneratedId);
        Assert.Equal("operationalLayers-1", notes.Id);
        Assert.Equal(notes.Id, second.OperationalLayers[1].Id);
        Assert.Contains(first.Warnings, w => w.Contains("has no id", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Basemap_SplitsBaseAndReferenceLayers()
    {
        var map = WebMap.Parse(FullMap);

        Assert.Equal("Topographic", map.Basemap.Title);
        Assert.Equal(["vt"], map.Basemap.BaseLayers.Select(l => l.Id));
        var labels = Assert.Single(map.Basemap.ReferenceLayers);
        Assert.Equal(WebMapLayerRole.BasemapReference, labels.Role);
        Assert.True(labels.IsBasemap);
    }

    [Fact]
    public void Parse_OfflineSettings_DocExampleValuesAndConnectedLayers()
    {
        var map = WebMap.Parse(FullMap);

        var offline = map.Offline;
        Assert.True(offline.IsDefined);
        Assert.Equal(144, offline.SyncDataOptions);
        Assert.Equal(EditableLayersDownload.FeaturesAndAttachments, offline.EditableLayersDownload);
        Assert.Equal(EditableLayersSync.SyncFeaturesAndAttachments, offline.EditableLayersSync);
        Assert.Equal("LocalBasemap.tpk", offline.ReferenceBasemapName);
        Assert.True(offline.ReadOnlyLayersDownloadAttachments);
        Assert.False(offline.TablesIncludeRows);
        Assert.Equal(["dyn", "ghost"], offline.ConnectedOnlineLayerIds);
        Assert.True(offline.IsConnectedOnline("dyn"));
        Assert.Contains(map.Warnings, w => w.Contains("'ghost'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"editableLayers":{"download":"none","sync":"uploadFeaturesAndAttachments"}}""", EditableLayersDownload.None, EditableLayersSync.UploadFeaturesAndAttachments, false, true)]
    [InlineData("""{"editableLayers":{"download":"features","sync":"syncFeaturesUploadAttachments"},"readonlyLayers":{}}""", EditableLayersDownload.Features, EditableLayersSync.SyncFeaturesUploadAttachments, false, true)]
    [InlineData("""{}""", EditableLayersDownload.FeaturesAndAttachments, EditableLayersSync.SyncFeaturesAndAttachments, false, true)]
    [InlineData("""{"editableLayers":{"download":"FEATURESANDATTACHMENTS"},"tables":{"includeRows":true},"readonlyLayers":{"downloadAttachments":"true"}}""", EditableLayersDownload.FeaturesAndAttachments, EditableLayersSync.SyncFeaturesAndAttachments, true, true)]
    public void Parse_OfflineSettings_DefaultsAndVariants(string offline, EditableLayersDownload download, EditableLayersSync sync, bool readOnlyAttachments, bool includeRows)
    {
        var map = WebMap.Parse("{\"operationalLayers\":[],\"applicationProperties\":{\"offline\":" + offline + "}}");

        Assert.True(map.Offline.IsDefined);
        Assert.Equal(download, map.Offline.EditableLayersDownload);
        Assert.Equal(sync, map.Offline.EditableLayersSync);
        Assert.Equal(readOnlyAttachments, map.Offline.ReadOnlyLayersDownloadAttachments);
        Assert.Equal(includeRows, map.Offline.TablesIncludeRows);
        Assert.Empty(map.Offline.ConnectedOnlineLayerIds);
    }

    [Fact]
    public void Parse_InitialState_ReadsViewpoint()
    {
        var map = WebMap.Parse(FullMap);

        var viewpoint = map.InitialViewpoint!;
        Assert.Equal(72223.819286, viewpoint.Scale);
        Assert.Equal(0, viewpoint.Rotation);
        var target = Assert.IsType<EsriEnvelope>(viewpoint.TargetGeometry);
        Assert.Equal(100000, target.Width);
        Assert.True(target.SpatialReference!.IsWebMercator);
        Assert.Equal("2.31", map.Version);
    }

    [Fact]
    public void Parse_OldMapWithoutLayerTypes_InfersThem()
    {
        var map = WebMap.Parse("""
            {"operationalLayers":[
               {"id":"a","url":"https://h/arcgis/rest/services/S/FeatureServer/0"},
               {"id":"b","url":"https://h/arcgis/rest/services/S/MapServer"},
               {"id":"c","url":"https://h/arcgis/rest/services/S/ImageServer"},
               {"id":"d","url":"https://h/x.csv"},
               {"id":"e","layerType":"SomethingNew","url":"https://h/arcgis/rest/services/S/FeatureServer/1"}],
             "baseMap":{"baseMapLayers":[{"id":"f","url":"https://h/arcgis/rest/services/Topo/MapServer"},{"id":"g","type":"OpenStreetMap"}]}}
            """);

        Assert.Equal(
            [WebMapLayerType.ArcGISFeatureLayer, WebMapLayerType.ArcGISMapServiceLayer, WebMapLayerType.ArcGISImageServiceLayer, WebMapLayerType.Unknown,
             WebMapLayerType.ArcGISFeatureLayer, WebMapLayerType.ArcGISTiledMapServiceLayer, WebMapLayerType.OpenStreetMap],
            map.AllLayers.Select(l => l.LayerType));
        Assert.Contains(map.Warnings, w => w.Contains("'SomethingNew'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DuplicateIds_SecondGetsGeneratedId()
    {
        var map = WebMap.Parse("""{"operationalLayers":[{"id":"x","title":"one"},{"id":"x","title":"two"}]}""");

        Assert.Equal("x", map.OperationalLayers[0].Id);
        Assert.NotEqual("x", map.OperationalLayers[1].Id);
        Assert.True(map.OperationalLayers[1].HasGeneratedId);
        Assert.Equal("two", map.FindLayer(map.OperationalLayers[1].Id)!.Title);
    }

    [Fact]
    public void Parse_TolerantOfOddShapes()
    {
        var map = WebMap.Parse("""{"operationalLayers":{"oops":true},"baseMap":{"baseMapLayers":[42,{"id":"ok","layerType":"WebTiledLayer","templateUrl":"https://t/{level}/{col}/{row}.png"}]},"tables":null}""");

        Assert.Empty(map.OperationalLayers);
        Assert.Empty(map.Tables);
        Assert.Equal("ok", Assert.Single(map.Basemap.Layers).Id);
        Assert.Equal(2, map.Warnings.Count);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"error":{"code":400,"message":"Item does not exist or is inaccessible."}}""", "error answer")]
    [InlineData("""{"currentVersion":10.3,"layers":[]}""", "not a web map")]
    [InlineData("""{"operationalLayers":[""", "not valid JSON")]
    public void Parse_Invalid_ThrowsWebMapFormatException(string json, string expected)
    {
        var e = Assert.Throws<WebMapFormatException>(() => WebMap.Parse(json));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task ParseAsync_Stream_GivesSameMap()
    {
        await using var stream = File.OpenRead(TestPaths.Fixture("webmap-data-featurelayers-popups-tiled-basemap.json"));

        var map = await WebMap.ParseAsync(stream);

        Assert.Equal(4, map.AllLayers.Count);
    }

    [Fact]
    public void Edit_ChangeUrlRemoveLayerAddProperty_KeepsEverythingElse()
    {
        var map = WebMap.Parse(FullMap);

        var json = map.Edit()
            .Remove("wms")
            .Remove("sub")
            .SetUrl("mains", "data/water.gpkg#mains")
            .SetProperty("insp", "offlineSource", JsonValue.Create("data/water.gpkg#inspections"))
            .SetRootProperty("offlinePackage", new JsonObject { ["format"] = 1 })
            .ToJsonString();
        var edited = JsonNode.Parse(json)!;
        var original = JsonNode.Parse(FullMap)!;

        Assert.Equal("data/water.gpkg#mains", (string?)edited["operationalLayers"]![0]!["layers"]![0]!["url"]);
        Assert.Single(edited["operationalLayers"]![0]!["layers"]!.AsArray());
        Assert.Equal(3, edited["operationalLayers"]!.AsArray().Count);
        Assert.DoesNotContain("wms.example.com", json);
        Assert.Equal("data/water.gpkg#inspections", (string?)edited["tables"]![0]!["offlineSource"]);
        Assert.Equal(1, (int?)edited["offlinePackage"]!["format"]);
        // Untouched parts survive exactly, unknown properties included.
        Assert.True(JsonNode.DeepEquals(original["baseMap"], edited["baseMap"]));
        Assert.True(JsonNode.DeepEquals(original["widgets"], edited["widgets"]));
        Assert.True(JsonNode.DeepEquals(original["applicationProperties"], edited["applicationProperties"]));
        Assert.True(JsonNode.DeepEquals(original["operationalLayers"]![0]!["layers"]![0]!["popupInfo"], edited["operationalLayers"]![0]!["layers"]![0]!["popupInfo"]));
        Assert.Contains("72223.819286", json);
        // The parsed map itself is unchanged.
        Assert.Equal("https://h/arcgis/rest/services/Water/FeatureServer/2", map.FindLayer("mains")!.Url);
        Assert.Equal(4, map.OperationalLayers.Count);
    }

    [Fact]
    public void Edit_RemovedGroup_TakesItsChildrenAlong()
    {
        var editor = WebMap.Parse(FullMap).Edit().Remove("grp");

        Assert.Throws<KeyNotFoundException>(() => editor.Layer("valves"));
        Assert.Throws<KeyNotFoundException>(() => editor.SetUrl("mains", "x"));
        Assert.DoesNotContain("\"mains\"", editor.ToJsonString());
    }

    [Fact]
    public void Edit_LayersAfterARemovedOne_AreStillAddressedById()
    {
        var editor = WebMap.Parse(FullMap).Edit().Remove("operationalLayers-1").SetUrl("dyn", "offline://dyn");

        var edited = JsonNode.Parse(editor.ToJsonString())!;

        Assert.Equal("offline://dyn", (string?)edited["operationalLayers"]![1]!["url"]);
        Assert.Equal("dyn", (string?)edited["operationalLayers"]![1]!["id"]);
    }

    [Fact]
    public void Edit_WriteGeneratedIds_PutsIdsIntoLayersThatHadNone()
    {
        var edited = JsonNode.Parse(WebMap.Parse(FullMap).Edit().WriteGeneratedIds().ToJsonString())!;

        Assert.Equal("operationalLayers-1", (string?)edited["operationalLayers"]![1]!["id"]);
        Assert.Equal("grp", (string?)edited["operationalLayers"]![0]!["id"]);
    }

    [Fact]
    public void ToJsonString_WithoutEdits_IsTheOriginalJson()
    {
        var text = File.ReadAllText(TestPaths.Fixture("webmap-data-vectortile-basemap-featurelayer.json"));
        var map = WebMap.Parse(text);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), JsonNode.Parse(map.ToJsonString())));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(text), JsonNode.Parse(map.Edit().ToJsonString(indented: true))));
        Assert.Equal(JsonValueKind.Object, map.Root.ValueKind);
    }
}
