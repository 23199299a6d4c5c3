using System.Text.Json;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Tests.Infrastructure;
using static OfflinePortal.Tests.Packaging.PackagingSamples;

namespace OfflinePortal.Tests.Packaging;

public sealed class FeatureGeoPackageWriterTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("gpkg-features");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    private string NewPath(string name = "water.gpkg") => Path.Combine(_dir, name);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Service_WrittenAndFinished_PassesValidateGpkg(bool trackChanges)
    {
        var path = NewPath();
        var summary = await WriteServiceAsync(path, trackChanges);

        GdalTools.AssertValidGeoPackage(path);
        Assert.Equal(new FileInfo(path).Length, summary.Bytes);
        Assert.Equal(10, summary.Tables.Single(t => t.TableName == "Hydrants").FeatureCount);
        Assert.Equal(1, summary.Tables.Single(t => t.TableName == "Hydrants").AttachmentCount);
    }

    [Fact]
    public async Task Layers_OgrInfo_ReportsGeometryTypeCountAndSrs()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: true, hydrantCount: 25);

        var expected = new Dictionary<string, (string Geometry, int Count)>
        {
            ["Hydrants"] = ("Point", 25),
            ["Water_Mains"] = ("Multi Line String", 1),
            ["Pressure_Zones"] = ("Multi Polygon", 1),
            ["Inspections"] = ("None", 6),
        };
        foreach (var (table, (geometry, count)) in expected)
        {
            var layer = GdalTools.OgrLayer(path, table);
            Assert.Equal(count, layer.GetProperty("featureCount").GetInt32());
            var geometryFields = layer.GetProperty("geometryFields");
            if (geometry == "None")
            {
                Assert.Equal(0, geometryFields.GetArrayLength());
                continue;
            }
            Assert.Equal(geometry, geometryFields[0].GetProperty("type").GetString());
            Assert.Equal("SHAPE", geometryFields[0].GetProperty("name").GetString());
            var srs = geometryFields[0].GetProperty("coordinateSystem").GetProperty("wkt").GetString();
            Assert.Contains("Pseudo-Mercator", srs, StringComparison.Ordinal);
        }
        var hydrants = GdalTools.OgrLayer(path, "Hydrants");
        Assert.Equal("OBJECTID", hydrants.GetProperty("fidColumnName").GetString());
    }

    [Fact]
    public async Task Attributes_RoundTrip_DatesNullsUnicodeAndTypes()
    {
        var path = NewPath();
        var layer = new LayerInfo(5, "Ünïcode layer")
        {
            GeometryType = EsriGeometryType.Point,
            SpatialReference = SpatialReference.Wgs84,
            Fields =
            [
                new EsriField("OBJECTID", EsriFieldType.OID),
                new EsriField("Name", EsriFieldType.String) { Length = 100 },
                new EsriField("When", EsriFieldType.Date),
                new EsriField("Count", EsriFieldType.Integer),
                new EsriField("Ratio", EsriFieldType.Double),
                new EsriField("Day", EsriFieldType.DateOnly),
                new EsriField("Payload", EsriFieldType.Blob),
            ],
        };
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions()))
        {
            var table = await writer.AddLayerAsync(layer);
            await writer.WriteFeaturesAsync(table,
            [
                new EsriFeature(new Dictionary<string, object?>
                {
                    ["OBJECTID"] = 1L, ["Name"] = "Zürich — 東京 ✓", ["When"] = 1_700_000_000_123L, ["Count"] = 42L, ["Ratio"] = 0.5,
                    ["Day"] = "2024-02-29", ["Payload"] = Convert.ToBase64String([1, 2, 3]),
                }, new EsriPoint(8.54, 47.37)),
                new EsriFeature(new Dictionary<string, object?>
                {
                    ["OBJECTID"] = 2L, ["Name"] = null, ["When"] = null, ["Count"] = null, ["Ratio"] = double.NaN, ["Day"] = null, ["Payload"] = null,
                }, null),
            ]);
            await writer.FinishAsync();
        }

        GdalTools.AssertValidGeoPackage(path);
        var ogr = GdalTools.OgrLayer(path, "Unicode_layer", withFeatures: true);
        var features = ogr.GetProperty("features");
        Assert.Equal(2, features.GetArrayLength());
        var first = features[0].GetProperty("properties");
        Assert.Equal("Zürich — 東京 ✓", first.GetProperty("Name").GetString());
        Assert.Equal("2023/11/14 22:13:20.123+00", first.GetProperty("When").GetString());
        Assert.Equal(42, first.GetProperty("Count").GetInt32());
        Assert.Equal(0.5, first.GetProperty("Ratio").GetDouble());
        Assert.Equal("2024/02/29", first.GetProperty("Day").GetString());
        var second = features[1];
        Assert.Equal(JsonValueKind.Null, second.GetProperty("geometry").ValueKind);
        foreach (var name in new[] { "Name", "When", "Count", "Ratio", "Day", "Payload" })
        {
            Assert.Equal(JsonValueKind.Null, second.GetProperty("properties").GetProperty(name).ValueKind);
        }
        Assert.Contains("4326", ogr.GetProperty("geometryFields")[0].GetProperty("coordinateSystem").GetProperty("epsg").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polygons_WithHolesAndParts_RoundTripExactly()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: false);

        var zone = GdalTools.OgrLayer(path, "Pressure_Zones", withFeatures: true).GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal("MultiPolygon", zone.GetProperty("type").GetString());
        var polygons = zone.GetProperty("coordinates");
        Assert.Equal(2, polygons.GetArrayLength());
        Assert.Equal(2, polygons[0].GetArrayLength()); // exterior + hole
        Assert.Equal(1, polygons[1].GetArrayLength());
        Assert.Equal("[[0,0],[0,100],[100,100],[100,0],[0,0]]", Compact(polygons[0][0]));
        Assert.Equal("[[10,10],[30,10],[30,30],[10,30],[10,10]]", Compact(polygons[0][1]));
        Assert.Equal("[[200,0],[200,50],[250,50],[250,0],[200,0]]", Compact(polygons[1][0]));

        var main = GdalTools.OgrLayer(path, "Water_Mains", withFeatures: true).GetProperty("features")[0].GetProperty("geometry");
        Assert.Equal("[[[0,0],[10,10],[20,0]],[[30,30],[40,40]]]", Compact(main.GetProperty("coordinates")));
    }

    [Fact]
    public async Task SpatialIndex_SpatialFilter_FindsFeatureByBbox()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: true, hydrantCount: 50);

        // Hydrant 7 is at (1000070, 6000070); the box catches it alone.
        var text = GdalTools.OgrInfoText("-q", "-spat", "1000065", "6000065", "1000075", "6000075", path, "Hydrants");
        Assert.Contains("FacilityID (String) = H-00007", text, StringComparison.Ordinal);
        Assert.DoesNotContain("H-00008", text, StringComparison.Ordinal);
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM rtree_Hydrants_SHAPE WHERE minx <= 1000075 AND maxx >= 1000065 AND miny <= 6000075 AND maxy >= 6000065";
        Assert.Equal(7L, command.ExecuteScalar());
    }

    [Fact]
    public async Task CodedDomains_AndAliases_AreVisibleToGdal()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: false);

        var layer = GdalTools.OgrLayer(path, "Hydrants");
        var status = layer.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Status");
        Assert.Equal("HydrantStatus", status.GetProperty("domainName").GetString());
        var facility = layer.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "FacilityID");
        Assert.Equal(20, facility.GetProperty("width").GetInt32());
        // GDAL 3.6 reads no aliases; 3.7+ and QGIS take gpkg_data_columns.title when it differs from the column name.
        using (var connection = Open(path))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name, title, constraint_name FROM gpkg_data_columns WHERE table_name = 'Hydrants' AND column_name = 'FacilityID'";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal(("FacilityID", "Facility identifier", true), (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2)));
        }

        using var doc = GdalTools.OgrInfoJson(path);
        var domain = doc.RootElement.GetProperty("domains").GetProperty("HydrantStatus");
        Assert.Equal("coded", domain.GetProperty("type").GetString());
        Assert.Equal("Out of service", domain.GetProperty("codedValues").GetProperty("2").GetString());
        var range = doc.RootElement.GetProperty("domains").GetProperty("Pressure");
        Assert.Equal("range", range.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Attachments_AreRelatedMediaRows_WithTheStreamedBytes()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: false);

        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.base_table_name, r.base_primary_column, r.related_table_name, r.relation_name, m.base_id, a.content_type, a.ATT_NAME, a.DATA_SIZE, a.ATTACHMENTID, a.REL_GLOBALID, length(a.data)
            FROM gpkgext_relations r JOIN Hydrants__ATTACHREL m JOIN Hydrants__ATTACH a ON a.id = m.related_id
            WHERE r.mapping_table_name = 'Hydrants__ATTACHREL'
            """;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("Hydrants", reader.GetString(0));
        Assert.Equal("OBJECTID", reader.GetString(1));
        Assert.Equal("Hydrants__ATTACH", reader.GetString(2));
        Assert.Equal("media", reader.GetString(3));
        Assert.Equal(1, reader.GetInt64(4));
        Assert.Equal("image/jpeg", reader.GetString(5));
        Assert.Equal("photo.jpg", reader.GetString(6));
        Assert.Equal(PhotoBytes.Length, reader.GetInt64(7));
        Assert.Equal(7, reader.GetInt64(8));
        Assert.Equal(HydrantGlobalId(1), reader.GetString(9));
        Assert.Equal(PhotoBytes.Length, reader.GetInt64(10));
        Assert.False(reader.Read());
        reader.Close();

        command.CommandText = "SELECT data FROM Hydrants__ATTACH";
        Assert.Equal(PhotoBytes, (byte[])command.ExecuteScalar()!);
    }

    [Fact]
    public async Task Attachment_FromNonSeekableStreamWithoutLength_IsSpooledAndStored()
    {
        var path = NewPath();
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions()))
        {
            var hydrants = await writer.AddLayerAsync(Hydrants());
            await writer.WriteFeaturesAsync(hydrants, [Hydrant(1)]);
            await writer.AddAttachmentAsync(hydrants, new PackageAttachment { ParentObjectId = 1, Name = "a.bin", ContentType = "application/octet-stream" },
                new NonSeekableStream(PhotoBytes));
            await Assert.ThrowsAsync<InvalidDataException>(() => writer.AddAttachmentAsync(hydrants,
                new PackageAttachment { ParentObjectId = 1, Name = "short.bin", ContentType = "application/octet-stream" },
                new NonSeekableStream(PhotoBytes), length: PhotoBytes.Length + 10));
            await writer.FinishAsync();
        }
        GdalTools.AssertValidGeoPackage(path);
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT a.data, a.REL_GLOBALID, m.base_id FROM Hydrants__ATTACH a JOIN Hydrants__ATTACHREL m ON m.related_id = a.id";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(PhotoBytes, (byte[])reader[0]);
        Assert.Equal(HydrantGlobalId(1), reader.GetString(1));
        Assert.Equal(1, reader.GetInt64(2));
        Assert.False(reader.Read(), "the truncated attachment must have been rolled back");
    }

    [Fact]
    public async Task RelationshipClass_HydrantToInspections_IsRelatedAttributesTableAndMetadata()
    {
        var path = NewPath();
        await WriteServiceAsync(path, trackChanges: false);

        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT base_table_name, related_table_name, relation_name, related_primary_column FROM gpkgext_relations WHERE mapping_table_name = 'Hydrants__REL0'";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal(("Hydrants", "Inspections", "attributes", "OBJECTID"), (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        command.CommandText = "SELECT base_id, group_concat(related_id) FROM (SELECT * FROM Hydrants__REL0 ORDER BY base_id, related_id) GROUP BY base_id ORDER BY base_id";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal((1L, "2,4,6"), (reader.GetInt64(0), reader.GetString(1)));
            Assert.True(reader.Read());
            Assert.Equal((2L, "1,3,5"), (reader.GetInt64(0), reader.GetString(1)));
        }
        command.CommandText = "SELECT name, origin_table, destination_table, origin_primary_key, origin_foreign_key, cardinality FROM op_relationships";
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read());
            Assert.Equal("Hydrant_Inspections", reader.GetString(0));
            Assert.Equal(("Hydrants", "Inspections", "GlobalID", "HydrantGUID", "esriRelCardinalityOneToMany"),
                (reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }
    }

    [Fact]
    public async Task HostileNames_ProduceValidGeoPackage_WithFieldsKeptVerbatim()
    {
        var path = NewPath();
        var hostile = "x\"; DROP TABLE gpkg_contents; --";
        var layer = new LayerInfo(9, hostile)
        {
            GeometryType = EsriGeometryType.Polygon,
            HasAttachments = true,
            GlobalIdField = "Global ID",
            SpatialReference = new SpatialReference(null, null, GeoPackageSpatialReference.WebMercator.Definition.Replace("3857", "999999", StringComparison.Ordinal)),
            Fields =
            [
                new EsriField("OBJECTID", EsriFieldType.OID),
                new EsriField("Global ID", EsriFieldType.GlobalID),
                new EsriField("it's \"quoted\"", EsriFieldType.String) { Alias = "Quote'alias" },
                new EsriField("größe m²", EsriFieldType.Double),
                new EsriField("shape", EsriFieldType.String),
                new EsriField("SHAPE", EsriFieldType.Integer),
                new EsriField("a]; DELETE FROM gpkg_spatial_ref_sys; --", EsriFieldType.String),
            ],
        };
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions { TrackChanges = true }))
        {
            var table = await writer.AddLayerAsync(layer);
            Assert.Equal("x_DROP_TABLE_gpkg_contents", table.TableName);
            Assert.Equal("SHAPE_3", table.GeometryColumn);
            Assert.Equal(["OBJECTID", "Global ID", "it's \"quoted\"", "größe m²", "shape", "SHAPE_2", "a]; DELETE FROM gpkg_spatial_ref_sys; --"],
                table.Columns.Select(c => c.ColumnName));
            await writer.WriteFeaturesAsync(table, [new EsriFeature(new Dictionary<string, object?>
            {
                ["OBJECTID"] = 1L, ["Global ID"] = "{50000000-0000-4000-8000-000000000001}", ["it's \"quoted\""] = "v'1\"", ["größe m²"] = 1.5,
                ["shape"] = "round", ["SHAPE"] = 3L, ["a]; DELETE FROM gpkg_spatial_ref_sys; --"] = "x",
            }, new EsriPolygon([Square(0, 0, 1)]))]);
            await writer.AddAttachmentAsync(table, new PackageAttachment { ParentObjectId = 1, Name = "n", ContentType = "text/plain" }, new MemoryStream([65]));
            await writer.SetReplicaAsync(new PackageReplica { ServiceUrl = "https://h/FeatureServer", ReplicaId = "r", SyncModel = "perReplica", ReplicaServerGen = 5 });
            await writer.FinishAsync();
        }

        GdalTools.AssertValidGeoPackage(path);
        var ogr = GdalTools.OgrLayer(path, "x_DROP_TABLE_gpkg_contents", withFeatures: true);
        Assert.Equal(1, ogr.GetProperty("featureCount").GetInt32());
        var properties = ogr.GetProperty("features")[0].GetProperty("properties");
        Assert.Equal("v'1\"", properties.GetProperty("it's \"quoted\"").GetString());
        Assert.Equal(1.5, properties.GetProperty("größe m²").GetDouble());
        Assert.Equal(3, properties.GetProperty("SHAPE_2").GetInt32());
        Assert.Contains("999999", ogr.GetProperty("geometryFields")[0].GetProperty("coordinateSystem").GetProperty("wkt").GetString(), StringComparison.Ordinal);
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT srs_id, organization FROM gpkg_spatial_ref_sys WHERE srs_id >= 100000";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((100000L, "NONE"), (reader.GetInt64(0), reader.GetString(1)));
    }

    [Fact]
    public async Task SpatialReference_OtherEpsg_IsResolvedByGdal()
    {
        var path = NewPath();
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions()))
        {
            var table = await writer.AddLayerAsync(new LayerInfo(0, "Swiss")
            {
                GeometryType = EsriGeometryType.Point,
                SpatialReference = new SpatialReference(2056, 2056),
                Fields = [new EsriField("OBJECTID", EsriFieldType.OID)],
            });
            await writer.WriteFeaturesAsync(table, [new EsriFeature(new Dictionary<string, object?> { ["OBJECTID"] = 1L }, new EsriPoint(2_600_000, 1_200_000))]);
            await writer.FinishAsync();
        }
        GdalTools.AssertValidGeoPackage(path);
        var wkt = GdalTools.OgrLayer(path, "Swiss").GetProperty("geometryFields")[0].GetProperty("coordinateSystem").GetProperty("wkt").GetString();
        Assert.Contains("CH1903+ / LV95", wkt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Geometry_OfWrongType_FailsWithTableAndObjectId()
    {
        await using var writer = FeatureGeoPackageWriter.Create(NewPath(), new FeatureGeoPackageOptions());
        var table = await writer.AddLayerAsync(Hydrants(attachments: false));
        var feature = Hydrant(3) with { Geometry = new EsriPolyline([Ring((0, 0), (1, 1))]) };
        var error = await Assert.ThrowsAsync<GeoPackageWriteException>(() => writer.WriteFeaturesAsync(table, [feature]));
        Assert.Contains("Hydrants (objectid 3)", error.Message, StringComparison.Ordinal);
    }

    internal static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        GeoPackageSqlFunctions.Register(connection);
        return connection;
    }

    /// <summary>Coordinates as compact JSON with integral values written without decimals (GDAL writes 0.0).</summary>
    private static string Compact(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Compact)) + "]",
        JsonValueKind.Number => element.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => element.GetRawText(),
    };

    /// <summary>A stream that can only be read forwards, like an HTTP response body.</summary>
    internal sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 1000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
