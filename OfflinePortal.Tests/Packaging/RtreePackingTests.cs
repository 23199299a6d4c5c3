using System.Globalization;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Packaging;

/// <summary>
/// The spatial index the feature writer packs in one pass (RtreePacker): SQLite's own <c>rtreecheck()</c> accepts it,
/// window queries on it find exactly the features a brute-force scan finds, GDAL's spatial filter uses it, and the
/// GeoPackage triggers keep it right through later inserts, updates and deletes.
/// </summary>
public sealed class RtreePackingTests : IDisposable
{
    private const string Points = "Points";
    private const string Rtree = "rtree_Points_SHAPE";
    private readonly string _dir = TestPaths.NewTempDirectory("gpkg-rtree");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    /// <summary>Empty, one row, exactly one node's worth (51 cells in 1,228-byte nodes), one more, two levels, three levels.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(51)]
    [InlineData(52)]
    [InlineData(2_000)]
    [InlineData(30_000)]
    public async Task Points_Packed_RtreeCheckOkAndWindowsMatchBruteForce(int count)
    {
        var random = new Random(count + 7);
        // Integral coordinates below 2^24 are exact in float32, so the index's boxes equal the points and a window
        // query must return exactly the points inside it (no rounding slack either way).
        var points = Enumerable.Range(1, count).Select(i => (Id: (long)i, X: (double)random.Next(0, 1_000_000), Y: (double)random.Next(0, 1_000_000))).ToList();
        var path = await WriteAsync(PointLayer(), points.Select(p => Point(p.Id, p.X, p.Y)));

        using var db = FeatureGeoPackageWriterTests.Open(path);
        Assert.Equal("ok", Scalar(db, $"SELECT rtreecheck('{Rtree}')"));
        Assert.Equal(count, Convert.ToInt32(Scalar(db, $"SELECT count(*) FROM {Rtree}"), CultureInfo.InvariantCulture));
        for (var q = 0; q < 25; q++)
        {
            var x0 = random.Next(0, 1_000_000);
            var y0 = random.Next(0, 1_000_000);
            var (x1, y1) = (x0 + random.Next(1_000, 300_000), y0 + random.Next(1_000, 300_000));
            var expected = points.Where(p => p.X >= x0 && p.X <= x1 && p.Y >= y0 && p.Y <= y1).Select(p => p.Id).Order().ToList();
            Assert.Equal(expected, Window(db, x0, y0, x1, y1));
        }
        GdalTools.AssertValidGeoPackage(path);
    }

    [Fact]
    public async Task Points_Packed_RootDepthAndNodeSizesFollowSqliteFormat()
    {
        var path = await WriteAsync(PointLayer(), Enumerable.Range(1, 30_000).Select(i => Point(i, i % 1000 * 100, i / 1000 * 100)));

        using var db = FeatureGeoPackageWriterTests.Open(path);
        // 30,000 rows in 51-cell nodes: 589 leaves, 12 nodes above them, then the root: depth 2.
        var root = (byte[])Scalar(db, $"SELECT data FROM {Rtree}_node WHERE nodeno = 1")!;
        Assert.Equal(2, (root[0] << 8) | root[1]);
        Assert.Equal(12, (root[2] << 8) | root[3]);
        Assert.Equal(1L, Scalar(db, $"SELECT count(DISTINCT length(data)) FROM {Rtree}_node"));
        Assert.Equal(1 + 12 + 589L, Scalar(db, $"SELECT count(*) FROM {Rtree}_node"));
        Assert.Equal(12 + 589L, Scalar(db, $"SELECT count(*) FROM {Rtree}_parent"));
        Assert.Equal(30_000L, Scalar(db, $"SELECT count(*) FROM {Rtree}_rowid"));
        Assert.Equal("ok", Scalar(db, $"SELECT rtreecheck('{Rtree}')"));
    }

    [Fact]
    public async Task Points_FractionalCoordinates_BoxesRoundedOutwardToContainThem()
    {
        var random = new Random(3);
        var points = Enumerable.Range(1, 500)
            .Select(i => (Id: (long)i, X: -13_660_000.123456789 + (random.NextDouble() * 9_000), Y: 5_190_000.987654321 + (random.NextDouble() * 9_000)))
            .ToList();
        var path = await WriteAsync(PointLayer(), points.Select(p => Point(p.Id, p.X, p.Y)));

        using var db = FeatureGeoPackageWriterTests.Open(path);
        Assert.Equal("ok", Scalar(db, $"SELECT rtreecheck('{Rtree}')"));
        var boxes = Boxes(db);
        foreach (var (id, x, y) in points)
        {
            var box = boxes[id];
            Assert.True(box.MinX <= x && x <= box.MaxX && box.MinY <= y && y <= box.MaxY, $"row {id}: ({x}, {y}) is outside its box {box}");
            // and no looser than one float32 step each way
            Assert.True(x - box.MinX <= 2 && box.MaxX - x <= 2 && y - box.MinY <= 2 && box.MaxY - y <= 2, $"row {id}: box {box} is loose");
        }
    }

    [Fact]
    public async Task Polygons_Packed_GdalSpatialFilterFindsTheOverlappingOnes()
    {
        var random = new Random(11);
        var squares = Enumerable.Range(1, 3_000)
            .Select(i => (Id: (long)i, X: (double)random.Next(0, 100_000), Y: (double)random.Next(0, 100_000), Size: (double)random.Next(10, 2_000)))
            .ToList();
        var layer = new LayerInfo(0, "Zones")
        {
            GeometryType = EsriGeometryType.Polygon,
            SpatialReference = SpatialReference.WebMercator,
            Fields = [new EsriField("OBJECTID", EsriFieldType.OID)],
        };
        var path = await WriteAsync(layer, squares.Select(s => new EsriFeature(
            new Dictionary<string, object?> { ["OBJECTID"] = s.Id },
            new EsriPolygon([[[s.X, s.Y], [s.X, s.Y + s.Size], [s.X + s.Size, s.Y + s.Size], [s.X + s.Size, s.Y], [s.X, s.Y]]]))));

        using (var db = FeatureGeoPackageWriterTests.Open(path))
        {
            Assert.Equal("ok", Scalar(db, "SELECT rtreecheck('rtree_Zones_SHAPE')"));
        }
        GdalTools.AssertValidGeoPackage(path);
        foreach (var (x0, y0, x1, y1) in new[] { (0.0, 0.0, 10_000.0, 10_000.0), (40_000.0, 55_000.0, 47_000.0, 90_000.0), (99_000.0, 99_000.0, 100_000.0, 100_000.0) })
        {
            var expected = squares.Count(s => s.X <= x1 && s.X + s.Size >= x0 && s.Y <= y1 && s.Y + s.Size >= y0);
            using var ogr = GdalTools.OgrInfoJson(path, "Zones", spatialFilter: FormattableString.Invariant($"{x0},{y0},{x1},{y1}"));
            Assert.True(expected > 0);
            Assert.Equal(expected, ogr.RootElement.GetProperty("layers")[0].GetProperty("featureCount").GetInt32());
        }
    }

    [Fact]
    public async Task Packed_ThenEditedThroughTriggers_IndexFollowsInsertsUpdatesAndDeletes()
    {
        var points = Enumerable.Range(1, 5_000).Select(i => (Id: (long)i, X: (double)(i % 100 * 1_000), Y: (double)(i / 100 * 1_000))).ToDictionary(p => p.Id);
        var path = await WriteAsync(PointLayer(), points.Values.Select(p => Point(p.Id, p.X, p.Y)));
        var encoder = new GeoPackageGeometryWriter(GeoPackageGeometryType.Point, 3857, hasZ: false, hasM: false);

        using var db = FeatureGeoPackageWriterTests.Open(path);
        using (var transaction = db.BeginTransaction())
        {
            for (var i = 0; i < 300; i++)
            {
                // inserts (new object ids), moves of existing points, geometry removed, deletes
                Execute(db, transaction, "INSERT INTO Points (OBJECTID, Name, SHAPE) VALUES ($id, 'new', $g)",
                    ("$id", 10_000L + i), ("$g", encoder.Encode(new EsriPoint(500_000 + i, 700_000 + i))));
                points[10_000 + i] = (10_000 + i, 500_000 + i, 700_000 + i);
                var moved = 1 + (i * 7);
                Execute(db, transaction, "UPDATE Points SET SHAPE = $g WHERE OBJECTID = $id", ("$id", (long)moved), ("$g", encoder.Encode(new EsriPoint(-5_000 - i, -9_000))));
                points[moved] = (moved, -5_000 - i, -9_000);
                var deleted = 3_000L + i;
                Execute(db, transaction, "DELETE FROM Points WHERE OBJECTID = $id", ("$id", deleted));
                points.Remove(deleted);
            }
            Execute(db, transaction, "UPDATE Points SET SHAPE = NULL WHERE OBJECTID = 4999");
            points.Remove(4999);
            transaction.Commit();
        }

        Assert.Equal("ok", Scalar(db, $"SELECT rtreecheck('{Rtree}')"));
        var boxes = Boxes(db);
        Assert.Equal(points.Keys.Order(), boxes.Keys.Order());
        Assert.All(points.Values, p => Assert.Equal((p.X, p.X, p.Y, p.Y), boxes[p.Id]));
        Assert.Equal(
            points.Values.Where(p => p.X <= 0 && p.Y < 0).Select(p => p.Id).Order().ToList(),
            Window(db, -1_000_000, -1_000_000, 0, -1));
        GdalTools.AssertValidGeoPackage(path);
    }

    [Fact]
    public async Task Packed_NullGeometriesAndReplacedRows_AreNotIndexed()
    {
        var features = new List<EsriFeature>
        {
            Point(1, 10, 10),
            new(new Dictionary<string, object?> { ["OBJECTID"] = 2L, ["Name"] = "no shape" }, null),
            Point(3, 30, 30),
        };
        var path = Path.Combine(_dir, "nulls.gpkg");
        await using (var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions()))
        {
            var table = await writer.AddLayerAsync(PointLayer());
            await writer.WriteFeaturesAsync(table, features);
            // a later page repeats row 3 without its geometry and moves row 1 (INSERT OR REPLACE)
            await writer.WriteFeaturesAsync(table, [new EsriFeature(new Dictionary<string, object?> { ["OBJECTID"] = 3L }, null), Point(1, 15, 15)]);
            await writer.FinishAsync();
        }

        using var db = FeatureGeoPackageWriterTests.Open(path);
        Assert.Equal("ok", Scalar(db, $"SELECT rtreecheck('{Rtree}')"));
        Assert.Equal(new Dictionary<long, (double, double, double, double)> { [1] = (15, 15, 15, 15) }, Boxes(db));
    }

    private static LayerInfo PointLayer() => new(0, Points)
    {
        GeometryType = EsriGeometryType.Point,
        SpatialReference = SpatialReference.WebMercator,
        Fields = [new EsriField("OBJECTID", EsriFieldType.OID), new EsriField("Name", EsriFieldType.String) { Length = 20 }],
    };

    private static EsriFeature Point(long id, double x, double y) =>
        new(new Dictionary<string, object?> { ["OBJECTID"] = id, ["Name"] = "p" + id.ToString(CultureInfo.InvariantCulture) }, new EsriPoint(x, y));

    private async Task<string> WriteAsync(LayerInfo layer, IEnumerable<EsriFeature> features)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".gpkg");
        await using var writer = FeatureGeoPackageWriter.Create(path, new FeatureGeoPackageOptions());
        var table = await writer.AddLayerAsync(layer);
        await writer.WriteFeaturesAsync(table, features);
        await writer.FinishAsync();
        return path;
    }

    private static List<long> Window(SqliteConnection db, double x0, double y0, double x1, double y1)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT id FROM {Rtree} WHERE minx <= $x1 AND maxx >= $x0 AND miny <= $y1 AND maxy >= $y0 ORDER BY id";
        command.Parameters.AddWithValue("$x0", x0);
        command.Parameters.AddWithValue("$y0", y0);
        command.Parameters.AddWithValue("$x1", x1);
        command.Parameters.AddWithValue("$y1", y1);
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }
        return ids;
    }

    private static Dictionary<long, (double MinX, double MaxX, double MinY, double MaxY)> Boxes(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = $"SELECT id, minx, maxx, miny, maxy FROM {Rtree}";
        using var reader = command.ExecuteReader();
        var boxes = new Dictionary<long, (double, double, double, double)>();
        while (reader.Read())
        {
            boxes[reader.GetInt64(0)] = (reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
        }
        return boxes;
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection db, SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.ExecuteNonQuery();
    }
}
