using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Tests.Packaging;

/// <summary>A small water-utility service (hydrants, mains, zones, inspections) in the shared ArcGIS model.</summary>
internal static class PackagingSamples
{
    public const long Epoch2024 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

    public static readonly JsonElement StatusDomain = JsonDocument.Parse("""
        {"type":"codedValue","name":"HydrantStatus","codedValues":[{"name":"In service","code":1},{"name":"Out of service","code":2},{"name":"Removed","code":3}]}
        """).RootElement.Clone();

    public static readonly JsonElement PressureDomain = JsonDocument.Parse("""
        {"type":"range","name":"Pressure","range":[0,200]}
        """).RootElement.Clone();

    public static LayerInfo Hydrants(bool attachments = true) => new(0, "Hydrants")
    {
        GeometryType = EsriGeometryType.Point,
        ObjectIdField = "OBJECTID",
        GlobalIdField = "GlobalID",
        HasAttachments = attachments,
        SpatialReference = SpatialReference.WebMercator,
        Fields =
        [
            new EsriField("OBJECTID", EsriFieldType.OID) { Alias = "Object ID", Nullable = false, Editable = false },
            new EsriField("GlobalID", EsriFieldType.GlobalID) { Length = 38, Editable = false },
            new EsriField("FacilityID", EsriFieldType.String) { Alias = "Facility identifier", Length = 20 },
            new EsriField("Status", EsriFieldType.SmallInteger) { Alias = "Status", Domain = StatusDomain },
            new EsriField("Pressure", EsriFieldType.Double) { Domain = PressureDomain },
            new EsriField("Flow", EsriFieldType.Single),
            new EsriField("Installed", EsriFieldType.Date),
            new EsriField("Valves", EsriFieldType.Integer),
            new EsriField("Serial", EsriFieldType.BigInteger),
            new EsriField("Notes", EsriFieldType.String) { Length = 1_073_741_822 },
            new EsriField("Shape", EsriFieldType.Geometry),
        ],
        Relationships = [new RelationshipInfo(0, "Hydrant_Inspections", 3) { Role = "esriRelRoleOrigin", KeyField = "GlobalID", Cardinality = "esriRelCardinalityOneToMany" }],
    };

    public static LayerInfo Mains() => new(1, "Water Mains")
    {
        GeometryType = EsriGeometryType.Polyline,
        GlobalIdField = "GlobalID",
        SpatialReference = SpatialReference.WebMercator,
        Fields =
        [
            new EsriField("OBJECTID", EsriFieldType.OID),
            new EsriField("GlobalID", EsriFieldType.GlobalID),
            new EsriField("Diameter", EsriFieldType.Integer),
        ],
    };

    public static LayerInfo Zones() => new(2, "Pressure Zones")
    {
        GeometryType = EsriGeometryType.Polygon,
        GlobalIdField = "GlobalID",
        SpatialReference = SpatialReference.WebMercator,
        Fields =
        [
            new EsriField("OBJECTID", EsriFieldType.OID),
            new EsriField("GlobalID", EsriFieldType.GlobalID),
            new EsriField("Name", EsriFieldType.String) { Length = 50 },
        ],
    };

    public static LayerInfo Inspections() => new(3, "Inspections")
    {
        IsTable = true,
        GlobalIdField = "GlobalID",
        Fields =
        [
            new EsriField("OBJECTID", EsriFieldType.OID),
            new EsriField("GlobalID", EsriFieldType.GlobalID),
            new EsriField("HydrantGUID", EsriFieldType.GUID),
            new EsriField("InspectedOn", EsriFieldType.DateOnly),
            new EsriField("Result", EsriFieldType.String) { Length = 200 },
        ],
        Relationships = [new RelationshipInfo(0, "Hydrant_Inspections", 0) { Role = "esriRelRoleDestination", KeyField = "HydrantGUID", Cardinality = "esriRelCardinalityOneToMany" }],
    };

    public static string HydrantGlobalId(int i) => $"{{00000000-0000-4000-8000-{i:D12}}}";

    public static EsriFeature Hydrant(int i, double x = 1_000_000, double y = 6_000_000) => new(
        new Dictionary<string, object?>
        {
            ["OBJECTID"] = (long)i,
            ["GlobalID"] = HydrantGlobalId(i),
            ["FacilityID"] = $"H-{i:D5}",
            ["Status"] = (long)(1 + (i % 3)),
            ["Pressure"] = 40.5 + i,
            ["Flow"] = 12.25,
            ["Installed"] = Epoch2024 + (i * 86_400_000L) + 123,
            ["Valves"] = (long)i,
            ["Serial"] = 9_000_000_000L + i,
            ["Notes"] = null,
        },
        new EsriPoint(x + (i * 10), y + (i * 10)) { SpatialReference = SpatialReference.WebMercator });

    public static EsriFeature Inspection(int i, int hydrant) => new(new Dictionary<string, object?>
    {
        ["OBJECTID"] = (long)i,
        ["GlobalID"] = $"{{10000000-0000-4000-8000-{i:D12}}}",
        ["HydrantGUID"] = HydrantGlobalId(hydrant),
        ["InspectedOn"] = "2024-03-0" + (1 + (i % 9)),
        ["Result"] = "ok",
    });

    public static List<double[]> Ring(params (double X, double Y)[] points) => points.Select(p => new[] { p.X, p.Y }).ToList();

    /// <summary>Clockwise square (ArcGIS exterior).</summary>
    public static List<double[]> Square(double x0, double y0, double size) =>
        Ring((x0, y0), (x0, y0 + size), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0));

    /// <summary>Counter-clockwise square (ArcGIS hole).</summary>
    public static List<double[]> Hole(double x0, double y0, double size) =>
        Ring((x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0));

    public static async Task<FeatureGeoPackageSummary> WriteServiceAsync(string path, bool trackChanges, int hydrantCount = 10)
    {
        await using var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions { TrackChanges = trackChanges, BatchSize = 4 });
        var layers = new[] { Hydrants(), Mains(), Zones(), Inspections() };
        var hydrants = await writer.AddLayerAsync(layers[0]);
        var mains = await writer.AddLayerAsync(layers[1]);
        var zones = await writer.AddLayerAsync(layers[2]);
        var inspections = await writer.AddLayerAsync(layers[3]);
        await writer.WriteFeaturesAsync(hydrants, Enumerable.Range(1, hydrantCount).Select(i => Hydrant(i)));
        await writer.WriteFeaturesAsync(mains, [new EsriFeature(
            new Dictionary<string, object?> { ["OBJECTID"] = 1L, ["GlobalID"] = "{20000000-0000-4000-8000-000000000001}", ["Diameter"] = 200L },
            new EsriPolyline([Ring((0, 0), (10, 10), (20, 0)), Ring((30, 30), (40, 40))]))]);
        await writer.WriteFeaturesAsync(zones, [new EsriFeature(
            new Dictionary<string, object?> { ["OBJECTID"] = 1L, ["GlobalID"] = "{30000000-0000-4000-8000-000000000001}", ["Name"] = "North" },
            new EsriPolygon([Square(0, 0, 100), Hole(10, 10, 20), Square(200, 0, 50)]))]);
        await writer.WriteFeaturesAsync(inspections, Enumerable.Range(1, 6).Select(i => Inspection(i, 1 + (i % 2))));
        await writer.AddAttachmentAsync(hydrants,
            new PackageAttachment { AttachmentId = 7, GlobalId = "{40000000-0000-4000-8000-000000000001}", ParentGlobalId = HydrantGlobalId(1), Name = "photo.jpg", ContentType = "image/jpeg" },
            new MemoryStream(PhotoBytes));
        foreach (var relationship in RelationshipClass.FromLayers(layers))
        {
            await writer.AddRelationshipAsync(relationship);
        }
        if (trackChanges)
        {
            await writer.SetReplicaAsync(new PackageReplica
            {
                ServiceUrl = "https://example.test/arcgis/rest/services/Water/FeatureServer",
                ReplicaId = "{AAAAAAAA-0000-4000-8000-000000000001}",
                SyncModel = "perLayer",
                AttachmentSyncDirection = "bidirectional",
                LayerServerGens = [new LayerServerGen(0, 1001), new LayerServerGen(1, 1001), new LayerServerGen(2, 1001), new LayerServerGen(3, 1001)],
            });
        }
        return await writer.FinishAsync();
    }

    public static readonly byte[] PhotoBytes = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31 % 251)).ToArray();
}
