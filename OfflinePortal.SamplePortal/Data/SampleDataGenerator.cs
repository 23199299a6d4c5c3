using System.Globalization;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>
/// Builds the schema and fills it with a deterministic water utility around Ashland, Oregon: a jittered street grid
/// carrying the mains, hydrants and valves along the streets, pressure zones as bands climbing the hills, inspections
/// of the hydrants and photos of some of them. Everything is inserted in one transaction with prepared statements.
/// </summary>
internal static class SampleDataGenerator
{
    public const double MinLon = -122.745, MinLat = 42.165, MaxLon = -122.665, MaxLat = 42.220;
    private const int Seed = 20240611;
    private const string Owner = "sampleadmin";
    private static readonly long BaseDate = new DateTimeOffset(2024, 1, 15, 16, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const long Day = 86_400_000L;

    private static readonly (string Name, string Code, double Hgl, string Source)[] ZoneInfo =
    [
        ("Lower Valley", "LV", 2050, "Talent-Ashland-Phoenix intertie"),
        ("Crowson", "CR", 2140, "Crowson reservoir"),
        ("Terrace Street", "TS", 2225, "Terrace Street pump station"),
        ("Park Estates", "PE", 2310, "Park Estates pump station"),
        ("Granite", "GR", 2395, "Granite reservoir"),
        ("Reeder Gulch", "RG", 2480, "Reeder reservoir"),
    ];

    private static readonly (string Name, string Category, string Address, int Priority)[] CustomerInfo =
    [
        ("Asante Ashland Community Hospital", "Hospital", "280 Maple St", 1),
        ("Ashland High School", "School", "201 S Mountain Ave", 2),
        ("Ashland Middle School", "School", "100 Walker Ave", 2),
        ("Helman Elementary School", "School", "705 Helman St", 2),
        ("Walker Elementary School", "School", "364 Walker Ave", 2),
        ("Bellview Elementary School", "School", "1070 Tolman Creek Rd", 2),
        ("John Muir School", "School", "100 Walker Ave", 3),
        ("Southern Oregon University", "School", "1250 Siskiyou Blvd", 2),
        ("Linda Vista Care Center", "Care Home", "135 Maple St", 1),
        ("Skylark Assisted Living", "Care Home", "1122 Ashland St", 1),
        ("Mountain Meadows Community", "Care Home", "857 Mountain Meadows Dr", 1),
        ("Brookdale Ashland", "Care Home", "950 Skylark Pl", 1),
        ("Ashland Dialysis Center", "Dialysis", "1618 Ashland St", 1),
        ("Valley Immediate Care", "Clinic", "2000 Ashland St", 2),
        ("Ashland Fire Station 1", "Emergency", "455 Siskiyou Blvd", 1),
        ("Ashland Fire Station 2", "Emergency", "1860 Ashland St", 1),
        ("Ashland Police Department", "Emergency", "1155 E Main St", 1),
        ("Rogue Valley Manor Clinic", "Clinic", "1200 Mira Mar Ave", 2),
        ("Siskiyou School", "School", "631 Clay St", 3),
        ("Ashland Food Co-op", "Food", "237 N 1st St", 3),
        ("Oregon Shakespeare Festival", "Venue", "15 S Pioneer St", 3),
        ("Ashland Springs Hotel", "Lodging", "212 E Main St", 3),
    ];

    private static readonly string[] HydrantTypes = ["Dry Barrel", "Dry Barrel", "Dry Barrel", "Wet Barrel", "Flush"];
    private static readonly string[] ValveTypes = ["Gate", "Gate", "Gate", "Butterfly", "Check", "Air Release"];
    private static readonly string[] Inspectors = ["J. Alvarez", "M. Chen", "R. Okafor", "S. Lindqvist", "T. Nakamura", "D. Begay"];
    private static readonly string[] Notes =
    [
        "Operated fully, no leaks.", "Cap threads worn; replaced cap gasket.", "Slow drain after shut-off.",
        "Paint faded, schedule repaint.", "Blocked by parked vehicle, rechecked later.", "Nozzle cap seized; freed.",
        "Vegetation cleared around hydrant.", "Low static pressure observed.", "",
    ];

    /// <summary>Derived sizes for a hydrant count, also used by tests and benchmarks to know what to expect.</summary>
    public static (int GridColumns, int GridRows, int Valves, int Inspections) Sizes(int hydrants)
    {
        var side = Math.Max(4, (int)Math.Round(Math.Sqrt(hydrants / 4.0)));
        var rows = Math.Max(4, (int)Math.Round(side * 0.85));
        return (side, rows, (int)(hydrants * 0.6), hydrants);
    }

    public static void Generate(SqliteConnection conn, int hydrantCount, CancellationToken ct)
    {
        SampleStore.Exec(conn, "PRAGMA page_size=8192; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        using var tx = conn.BeginTransaction();
        CreateTables(conn, tx);
        var rnd = new Random(Seed);
        var (x0, y0) = WebMercator.FromLonLat(MinLon, MinLat);
        var (x1, y1) = WebMercator.FromLonLat(MaxLon, MaxLat);
        var box = new Envelope(x0, x1, y0, y1);
        var zones = new ZoneBands(box);
        var (cols, rows, valveCount, inspectionCount) = Sizes(hydrantCount);

        // Street grid: intersections jittered so streets wander a little, as real ones do.
        var nodes = new Coordinate[cols, rows];
        var dx = box.Width / (cols - 1);
        var dy = box.Height / (rows - 1);
        for (var i = 0; i < cols; i++)
        {
            for (var j = 0; j < rows; j++)
            {
                var jx = i == 0 || i == cols - 1 ? 0 : (rnd.NextDouble() - 0.5) * dx * 0.25;
                var jy = j == 0 || j == rows - 1 ? 0 : (rnd.NextDouble() - 0.5) * dy * 0.25;
                nodes[i, j] = new Coordinate(box.MinX + i * dx + jx, box.MinY + j * dy + jy);
            }
        }
        var segments = new List<(Coordinate A, Coordinate B)>(2 * cols * rows);
        for (var i = 0; i < cols; i++)
        {
            for (var j = 0; j < rows; j++)
            {
                if (i + 1 < cols)
                {
                    segments.Add((nodes[i, j], nodes[i + 1, j]));
                }
                if (j + 1 < rows)
                {
                    segments.Add((nodes[i, j], nodes[i, j + 1]));
                }
            }
        }
        var wkb = new WKBWriter();
        var meta = new Dictionary<string, object?> { ["CreationDate"] = BaseDate, ["Creator"] = Owner, ["EditDate"] = BaseDate, ["Editor"] = Owner };

        using (var mains = new RowInserter(conn, tx, SampleSchema.Mains))
        {
            for (var s = 0; s < segments.Count; s++)
            {
                var (a, b) = segments[s];
                var mid = new Coordinate((a.X + b.X) / 2, (a.Y + b.Y) / 2);
                var line = EsriGeometryJson.Factory.CreateLineString([a, mid, b]);
                var arterial = s % 7 == 0;
                var year = 1925 + rnd.Next(98);
                mains.Values["ASSETID"] = string.Create(CultureInfo.InvariantCulture, $"WM-{s + 1:D6}");
                mains.Values["DIAMETER"] = arterial ? 12 + 4 * rnd.Next(3) : new[] { 4, 6, 6, 8, 8, 10 }[rnd.Next(6)];
                mains.Values["MATERIAL"] = year < 1950 ? "CI" : year < 1975 ? (rnd.Next(2) == 0 ? "AC" : "CI") : year < 2005 ? "DI" : (rnd.Next(3) == 0 ? "HDPE" : "PVC");
                mains.Values["INSTALLYEAR"] = year;
                mains.Values["PRESSUREZONE"] = ZoneInfo[zones.ZoneOf(mid.X, mid.Y)].Name;
                Copy(meta, mains.Values);
                mains.Insert(s + 1, GlobalIds.Deterministic(2, s), line, wkb);
            }
        }
        ct.ThrowIfCancellationRequested();

        var photos = new long[SampleMedia.PhotoVariants];
        for (var v = 0; v < photos.Length; v++)
        {
            photos[v] = InsertBlob(conn, tx, SampleMedia.HydrantPhoto(v));
        }
        using (var hydrants = new RowInserter(conn, tx, SampleSchema.Hydrants))
        using (var attach = AttachmentInserter(conn, tx, SampleSchema.Hydrants))
        {
            var attachmentId = 0;
            for (var h = 0; h < hydrantCount; h++)
            {
                var (a, b) = segments[rnd.Next(segments.Count)];
                var t = 0.1 + rnd.NextDouble() * 0.8;
                var len = Math.Max(1e-9, Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y)));
                var side = rnd.Next(2) == 0 ? -6.0 : 6.0;
                var x = a.X + (b.X - a.X) * t - (b.Y - a.Y) / len * side;
                var y = a.Y + (b.Y - a.Y) * t + (b.X - a.X) / len * side;
                var installed = BaseDate - (long)rnd.Next(60 * 365) * Day;
                var roll = rnd.Next(100);
                hydrants.Values["ASSETID"] = string.Create(CultureInfo.InvariantCulture, $"HYD-{h + 1:D7}");
                hydrants.Values["HYDRANTTYPE"] = HydrantTypes[rnd.Next(HydrantTypes.Length)];
                hydrants.Values["STATUS"] = roll < 84 ? "InService" : roll < 91 ? "NeedsRepair" : roll < 97 ? "OutOfService" : "Retired";
                hydrants.Values["FLOWRATE"] = Math.Round(500 + rnd.NextDouble() * 1500, 1);
                hydrants.Values["INSTALLDATE"] = installed;
                hydrants.Values["LASTINSPECTION"] = rnd.Next(10) == 0 ? null : BaseDate - (long)rnd.Next(3 * 365) * Day;
                hydrants.Values["PRESSUREZONE"] = ZoneInfo[zones.ZoneOf(x, y)].Name;
                Copy(meta, hydrants.Values);
                var globalId = GlobalIds.Deterministic(0, h);
                hydrants.InsertPoint(h + 1, globalId, x, y);
                if (h % 10 == 3)
                {
                    attachmentId++;
                    var v = attachmentId % photos.Length;
                    InsertAttachment(attach, attachmentId, GlobalIds.Deterministic(10, attachmentId), h + 1, globalId,
                        "image/jpeg", string.Create(CultureInfo.InvariantCulture, $"HYD-{h + 1:D7}_photo.jpg"), photos[v], BlobSize(conn, tx, photos[v]));
                }
                if ((h & 0x3FFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
            }
        }

        using (var valves = new RowInserter(conn, tx, SampleSchema.Valves))
        {
            for (var v = 0; v < valveCount; v++)
            {
                var (a, b) = segments[rnd.Next(segments.Count)];
                var t = rnd.Next(2) == 0 ? 0.06 : 0.94;
                valves.Values["ASSETID"] = string.Create(CultureInfo.InvariantCulture, $"VLV-{v + 1:D7}");
                valves.Values["VALVETYPE"] = ValveTypes[rnd.Next(ValveTypes.Length)];
                valves.Values["DIAMETER"] = new[] { 4, 6, 6, 8, 8, 12 }[rnd.Next(6)];
                valves.Values["NORMALPOSITION"] = rnd.Next(25) == 0 ? "Closed" : "Open";
                valves.Values["TURNS"] = 10 + rnd.Next(40);
                valves.Values["LASTEXERCISED"] = rnd.Next(6) == 0 ? null : BaseDate - (long)rnd.Next(5 * 365) * Day;
                valves.Values["INSTALLDATE"] = BaseDate - (long)rnd.Next(60 * 365) * Day;
                Copy(meta, valves.Values);
                valves.InsertPoint(v + 1, GlobalIds.Deterministic(1, v), a.X + (b.X - a.X) * t, a.Y + (b.Y - a.Y) * t);
            }
        }
        ct.ThrowIfCancellationRequested();

        using (var inspections = new RowInserter(conn, tx, SampleSchema.Inspections))
        {
            for (var i = 0; i < inspectionCount; i++)
            {
                var hydrant = rnd.Next(hydrantCount);
                var result = rnd.Next(20);
                inspections.Values["HYDRANTGUID"] = GlobalIds.Deterministic(0, hydrant);
                inspections.Values["INSPECTOR"] = Inspectors[rnd.Next(Inspectors.Length)];
                inspections.Values["INSPECTIONDATE"] = BaseDate - (long)rnd.Next(4 * 365) * Day;
                inspections.Values["RESULT"] = result < 16 ? "Pass" : result < 18 ? "Repair" : "Fail";
                inspections.Values["STATICPRESSURE"] = Math.Round(45 + rnd.NextDouble() * 60, 1);
                inspections.Values["NOTES"] = Notes[rnd.Next(Notes.Length)];
                Copy(meta, inspections.Values);
                inspections.Insert(i + 1, GlobalIds.Deterministic(3, i), null, wkb);
            }
        }

        using (var zoneRows = new RowInserter(conn, tx, SampleSchema.Zones))
        using (var attach = AttachmentInserter(conn, tx, SampleSchema.Zones))
        {
            for (var z = 0; z < ZoneInfo.Length; z++)
            {
                var polygon = zones.Polygon(z);
                var info = ZoneInfo[z];
                zoneRows.Values["ZONENAME"] = info.Name;
                zoneRows.Values["ZONECODE"] = info.Code;
                zoneRows.Values["HGL"] = info.Hgl;
                zoneRows.Values["SOURCE"] = info.Source;
                zoneRows.Values["AREAACRES"] = Math.Round(polygon.Area * Math.Pow(Math.Cos(42.19 * Math.PI / 180), 2) / 4046.8564224, 1);
                Copy(meta, zoneRows.Values);
                var globalId = GlobalIds.Deterministic(4, z);
                zoneRows.Insert(z + 1, globalId, polygon, wkb);
                if (z % 2 == 0)
                {
                    var pdf = SampleMedia.Pdf([$"Pressure zone report: {info.Name} ({info.Code})", $"Hydraulic grade line: {info.Hgl} ft", $"Supplied by: {info.Source}", "Sample document generated by the OfflinePortal sample portal."]);
                    InsertAttachment(attach, z / 2 + 1, GlobalIds.Deterministic(11, z), z + 1, globalId, "application/pdf", $"ZoneReport_{info.Code}.pdf", InsertBlob(conn, tx, pdf), pdf.Length);
                }
            }
        }

        using (var customers = new RowInserter(conn, tx, SampleSchema.Customers))
        {
            for (var c = 0; c < CustomerInfo.Length; c++)
            {
                var info = CustomerInfo[c];
                customers.Values["NAME"] = info.Name;
                customers.Values["CATEGORY"] = info.Category;
                customers.Values["ADDRESS"] = info.Address + ", Ashland, OR 97520";
                customers.Values["PHONE"] = string.Create(CultureInfo.InvariantCulture, $"541-482-{1000 + rnd.Next(9000):D4}");
                customers.Values["PRIORITY"] = info.Priority;
                Copy(meta, customers.Values);
                var x = box.MinX + box.Width * (0.1 + rnd.NextDouble() * 0.8);
                var y = box.MinY + box.Height * (0.1 + rnd.NextDouble() * 0.8);
                customers.InsertPoint(c + 1, GlobalIds.Deterministic(5, c), x, y);
            }
        }

        foreach (var s in SampleSchema.Services)
        {
            SampleStore.Exec(conn, $"INSERT INTO service_state(service, generation) VALUES ('{s.Name}', 1)", tx);
        }
        ct.ThrowIfCancellationRequested();
        foreach (var layer in SampleSchema.AllLayers.Where(l => l.Geometry == GeometryKind.Point))
        {
            // Points enter the R*Tree in grid-cell order: spatial locality makes the tree build several times faster.
            SampleStore.Exec(conn, $"""
                INSERT INTO {layer.RTreeTable}(id, minx, maxx, miny, maxy)
                SELECT OBJECTID, _X, _X, _Y, _Y FROM {layer.Table}
                ORDER BY CAST((_Y - {y0.ToString("R", CultureInfo.InvariantCulture)}) / 200 AS INTEGER), CAST((_X - {x0.ToString("R", CultureInfo.InvariantCulture)}) / 200 AS INTEGER);
                """, tx);
        }
        CreateIndexes(conn, tx);
        tx.Commit();
        SampleStore.Exec(conn, "ANALYZE;");
    }

    private static void Copy(Dictionary<string, object?> from, Dictionary<string, object?> to)
    {
        foreach (var (k, v) in from)
        {
            to[k] = v;
        }
    }

    /// <summary>Indexes are built after the bulk load: sorting once is far faster than keeping them up to date row by row.</summary>
    private static void CreateIndexes(SqliteConnection conn, SqliteTransaction tx)
    {
        foreach (var layer in SampleSchema.AllLayers)
        {
            SampleStore.Exec(conn, $"""
                CREATE UNIQUE INDEX {layer.Table}_globalid ON {layer.Table}(GlobalID);
                CREATE INDEX {layer.Table}_gen ON {layer.Table}(_GEN);
                """, tx);
            if (layer.HasAttachments)
            {
                SampleStore.Exec(conn, $"""
                    CREATE UNIQUE INDEX {layer.AttachmentTable}_globalid ON {layer.AttachmentTable}(GLOBALID);
                    CREATE INDEX {layer.AttachmentTable}_rel ON {layer.AttachmentTable}(REL_OBJECTID);
                    CREATE INDEX {layer.AttachmentTable}_gen ON {layer.AttachmentTable}(_GEN);
                    """, tx);
            }
        }
        SampleStore.Exec(conn, "CREATE INDEX inspections_hydrant ON inspections(HYDRANTGUID);", tx);
    }

    private static void CreateTables(SqliteConnection conn, SqliteTransaction tx)
    {
        SampleStore.Exec(conn, """
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE service_state(service TEXT PRIMARY KEY, generation INTEGER NOT NULL);
            CREATE TABLE layer_state(table_name TEXT PRIMARY KEY, last_edit INTEGER NOT NULL);
            CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
            CREATE TABLE tombstones(table_name TEXT NOT NULL, kind TEXT NOT NULL, objectid INTEGER NOT NULL, globalid TEXT NOT NULL,
                parent_globalid TEXT, gen INTEGER NOT NULL, created_gen INTEGER NOT NULL, minx REAL, miny REAL, maxx REAL, maxy REAL);
            CREATE INDEX tombstones_gen ON tombstones(table_name, kind, gen);
            CREATE TABLE replicas(id TEXT PRIMARY KEY, service TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL,
                created INTEGER NOT NULL, last_sync INTEGER NOT NULL, definition TEXT NOT NULL, gens TEXT NOT NULL);
            CREATE UNIQUE INDEX replicas_name ON replicas(service, name);
            """, tx);
        foreach (var layer in SampleSchema.AllLayers)
        {
            var cols = string.Join(", ", layer.Fields.Select(f => f.Kind switch
            {
                FieldKind.ObjectId => $"\"{f.Name}\" INTEGER PRIMARY KEY AUTOINCREMENT",
                FieldKind.GlobalId => $"\"{f.Name}\" TEXT NOT NULL",
                _ => $"\"{f.Name}\" {f.SqlType}",
            }));
            var geometry = layer.IsTable ? "" : ", SHAPE BLOB" + (layer.Geometry == GeometryKind.Point ? ", _X REAL, _Y REAL" : "");
            SampleStore.Exec(conn, $"""
                CREATE TABLE {layer.Table}({cols}{geometry}, _GEN INTEGER NOT NULL, _CREATED_GEN INTEGER NOT NULL);
                """, tx);
            if (!layer.IsTable)
            {
                SampleStore.Exec(conn, $"CREATE VIRTUAL TABLE {layer.RTreeTable} USING rtree(id, minx, maxx, miny, maxy);", tx);
            }
            if (layer.HasAttachments)
            {
                SampleStore.Exec(conn, $"""
                    CREATE TABLE {layer.AttachmentTable}(ATTACHMENTID INTEGER PRIMARY KEY AUTOINCREMENT, GLOBALID TEXT NOT NULL,
                        REL_OBJECTID INTEGER NOT NULL, REL_GLOBALID TEXT NOT NULL, CONTENT_TYPE TEXT NOT NULL, ATT_NAME TEXT NOT NULL,
                        DATA_SIZE INTEGER NOT NULL, KEYWORDS TEXT, DATA_ID INTEGER NOT NULL, _GEN INTEGER NOT NULL, _CREATED_GEN INTEGER NOT NULL);
                    """, tx);
            }
        }
    }

    internal static long InsertBlob(SqliteConnection conn, SqliteTransaction tx, byte[] data)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO blobs(data) VALUES ($d) RETURNING id";
        cmd.Parameters.AddWithValue("$d", data);
        return (long)cmd.ExecuteScalar()!;
    }

    private static long BlobSize(SqliteConnection conn, SqliteTransaction tx, long id)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT length(data) FROM blobs WHERE id = $i";
        cmd.Parameters.AddWithValue("$i", id);
        return (long)cmd.ExecuteScalar()!;
    }

    private static SqliteCommand AttachmentInserter(SqliteConnection conn, SqliteTransaction tx, LayerDef layer)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO {layer.AttachmentTable}(ATTACHMENTID, GLOBALID, REL_OBJECTID, REL_GLOBALID, CONTENT_TYPE, ATT_NAME, DATA_SIZE, DATA_ID, _GEN, _CREATED_GEN) VALUES ($id, $g, $ro, $rg, $ct, $n, $s, $d, 0, 0)";
        foreach (var p in new[] { "$id", "$g", "$ro", "$rg", "$ct", "$n", "$s", "$d" })
        {
            cmd.Parameters.Add(p, SqliteType.Text);
        }
        cmd.Prepare();
        return cmd;
    }

    private static void InsertAttachment(SqliteCommand cmd, long id, string globalId, long parentOid, string parentGlobalId, string contentType, string name, long dataId, long size)
    {
        cmd.Parameters["$id"].Value = id;
        cmd.Parameters["$g"].Value = globalId;
        cmd.Parameters["$ro"].Value = parentOid;
        cmd.Parameters["$rg"].Value = parentGlobalId;
        cmd.Parameters["$ct"].Value = contentType;
        cmd.Parameters["$n"].Value = name;
        cmd.Parameters["$s"].Value = size;
        cmd.Parameters["$d"].Value = dataId;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Prepared insert of one layer's rows plus their R*Tree entries.</summary>
    private sealed class RowInserter : IDisposable
    {
        private readonly SqliteCommand _row;
        private readonly SqliteCommand? _tree;
        private readonly LayerDef _layer;
        private readonly FieldDef[] _attributes;

        public RowInserter(SqliteConnection conn, SqliteTransaction tx, LayerDef layer)
        {
            _layer = layer;
            _attributes = layer.Fields.Where(f => f.Kind is not (FieldKind.ObjectId or FieldKind.GlobalId)).ToArray();
            var names = new List<string> { LayerDef.ObjectIdField, LayerDef.GlobalIdField };
            names.AddRange(_attributes.Select(f => f.Name));
            if (!layer.IsTable)
            {
                names.Add("SHAPE");
            }
            if (layer.Geometry == GeometryKind.Point)
            {
                names.AddRange(["_X", "_Y"]);
            }
            _row = conn.CreateCommand();
            _row.Transaction = tx;
            _row.CommandText = $"INSERT INTO {layer.Table}({string.Join(", ", names.Select(n => $"\"{n}\""))}, _GEN, _CREATED_GEN) VALUES ({string.Join(", ", names.Select((_, i) => "$p" + i))}, 0, 0)";
            for (var i = 0; i < names.Count; i++)
            {
                _row.Parameters.Add("$p" + i, SqliteType.Text);
            }
            _row.Prepare();
            if (layer.Geometry is GeometryKind.Polyline or GeometryKind.Polygon)
            {
                _tree = conn.CreateCommand();
                _tree.Transaction = tx;
                _tree.CommandText = $"INSERT INTO {layer.RTreeTable}(id, minx, maxx, miny, maxy) VALUES ($i, $a, $b, $c, $d)";
                foreach (var p in new[] { "$i", "$a", "$b", "$c", "$d" })
                {
                    _tree.Parameters.Add(p, SqliteType.Real);
                }
                _tree.Prepare();
            }
        }

        public Dictionary<string, object?> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

        public void InsertPoint(long oid, string globalId, double x, double y) => Insert(oid, globalId, PointWkb(x, y), null, x, y);

        public void Insert(long oid, string globalId, Geometry? geometry, WKBWriter wkb) =>
            Insert(oid, globalId, geometry is null ? null : wkb.Write(geometry), geometry?.EnvelopeInternal, null, null);

        private void Insert(long oid, string globalId, byte[]? shape, Envelope? env, double? x, double? y)
        {
            var p = _row.Parameters;
            p[0].Value = oid;
            p[1].Value = globalId;
            var i = 2;
            foreach (var f in _attributes)
            {
                p[i++].Value = Values.GetValueOrDefault(f.Name) ?? DBNull.Value;
            }
            if (!_layer.IsTable)
            {
                p[i++].Value = (object?)shape ?? DBNull.Value;
            }
            if (_layer.Geometry == GeometryKind.Point)
            {
                p[i++].Value = (object?)x ?? DBNull.Value;
                p[i].Value = (object?)y ?? DBNull.Value;
            }
            _row.ExecuteNonQuery();
            if (_tree is not null && env is not null)
            {
                _tree.Parameters[0].Value = oid;
                _tree.Parameters[1].Value = env.MinX;
                _tree.Parameters[2].Value = env.MaxX;
                _tree.Parameters[3].Value = env.MinY;
                _tree.Parameters[4].Value = env.MaxY;
                _tree.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            _row.Dispose();
            _tree?.Dispose();
        }
    }

    /// <summary>Little-endian WKB of a 2D point, written directly: the hot path when generating a million hydrants.</summary>
    internal static byte[] PointWkb(double x, double y)
    {
        var b = new byte[21];
        b[0] = 1;
        BitConverter.TryWriteBytes(b.AsSpan(1), 1u);
        BitConverter.TryWriteBytes(b.AsSpan(5), x);
        BitConverter.TryWriteBytes(b.AsSpan(13), y);
        return b;
    }

    /// <summary>Pressure zones as bands climbing from the valley floor (north) to the hills (south), with wavy borders.</summary>
    private sealed class ZoneBands(Envelope box)
    {
        private const int Count = 6;

        // Border k (1..Count-1) between zone k-1 and k, as a y for a given x; zone 0 is the lowest (north).
        private double Border(int k, double x)
        {
            var t = (x - box.MinX) / box.Width;
            var baseY = box.MaxY - box.Height * k / Count;
            return baseY + box.Height * 0.035 * Math.Sin(t * Math.PI * 2.2 + k * 1.3) + box.Height * 0.02 * Math.Sin(t * Math.PI * 5 + k);
        }

        public int ZoneOf(double x, double y)
        {
            var zone = 0;
            for (var k = 1; k < Count; k++)
            {
                if (y < Border(k, x))
                {
                    zone = k;
                }
            }
            return zone;
        }

        public Polygon Polygon(int zone)
        {
            const int samples = 24;
            var top = new List<Coordinate>();
            var bottom = new List<Coordinate>();
            for (var s = 0; s <= samples; s++)
            {
                var x = box.MinX + box.Width * s / samples;
                top.Add(new Coordinate(x, zone == 0 ? box.MaxY : Border(zone, x)));
                bottom.Add(new Coordinate(x, zone == Count - 1 ? box.MinY : Border(zone + 1, x)));
            }
            bottom.Reverse();
            var ring = top.Concat(bottom).Append(top[0].Copy()).ToArray();
            return EsriGeometryJson.Factory.CreatePolygon(ring);
        }
    }
}
