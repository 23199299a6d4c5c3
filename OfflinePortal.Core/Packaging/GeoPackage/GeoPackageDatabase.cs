using System.Globalization;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// How a GeoPackage is laid out and bulk-loaded. Feature and tile files differ: features are millions of small rows
/// with an R-tree loaded from temporary tables (a large page cache pays, and statistics help the readers' queries);
/// tiles are a thousand blobs of tens of kilobytes looked up only by their unique (level, column, row) key.
/// </summary>
/// <param name="PageSize">SQLite page size in bytes (a power of two from 512 to 65536); null keeps SQLite's default.</param>
/// <param name="CacheKibibytes">The page cache while writing.</param>
/// <param name="Analyze">Whether completing the file runs <c>PRAGMA optimize</c> (query planner statistics).</param>
internal sealed record GeoPackageStorage(int? PageSize, int CacheKibibytes, bool Analyze)
{
    public static readonly GeoPackageStorage Features = new(null, 65536, Analyze: true);

    /// <summary>
    /// Tiles: 16 KiB pages chain fewer overflow pages per tile (at up to half a page of slack per tile); SQLite's
    /// default 2 MiB cache, because a large cache only holds dirty blob pages that are written once and never read
    /// again (measured 20–40% slower with 64 MiB); and no statistics, which would make <c>PRAGMA optimize</c> read the
    /// whole table (as long as the writing itself) to tell the planner nothing the unique key does not. Measured by
    /// the <c>tile-write</c> benchmark.
    /// </summary>
    public static readonly GeoPackageStorage Tiles = new(16384, 2048, Analyze: false);

    public void Validate()
    {
        if (PageSize is { } size && (size < 512 || size > 65536 || !int.IsPow2(size)))
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), size, "A SQLite page size is a power of two from 512 to 65536.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(CacheKibibytes, 64);
    }
}

/// <summary>
/// The core of every GeoPackage the package writes: the SQLite file with the GeoPackage 1.3 header values, the
/// mandatory metadata tables, and helpers to register spatial references, contents and extensions.
/// Single-threaded; owned by one writer.
/// </summary>
internal sealed class GeoPackageDatabase : IDisposable
{
    /// <summary><c>PRAGMA application_id</c> value: the ASCII bytes "GPKG".</summary>
    public const int ApplicationId = 0x47504B47;

    /// <summary>GeoPackage 1.3.x. 1.4 changed the R-tree update triggers, and GDAL 3.6's validator checks the 1.3 set.</summary>
    public const int UserVersion = 10300;

    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>SQL expression of the current UTC time in the GeoPackage DATETIME format.</summary>
    public const string SqlNow = "strftime('%Y-%m-%dT%H:%M:%fZ','now')";

    private readonly HashSet<int> _srsIds = [];
    private readonly Dictionary<string, int> _customSrsByWkt = new(StringComparer.Ordinal);

    private readonly GeoPackageStorage _storage;

    private GeoPackageDatabase(string path, SqliteConnection connection, GeoPackageStorage storage)
    {
        _storage = storage;
        Path = path;
        Connection = connection;
    }

    public string Path { get; }

    public SqliteConnection Connection { get; }

    /// <summary>Creates a new GeoPackage at <paramref name="path"/>, which must not exist.</summary>
    /// <param name="path">The new file.</param>
    /// <param name="storage">Layout and bulk-load settings; <see cref="GeoPackageStorage.Features"/> when null.</param>
    public static GeoPackageDatabase Create(string path, GeoPackageStorage? storage = null)
    {
        storage ??= GeoPackageStorage.Features;
        storage.Validate();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new IOException($"The file {full} already exists; a package file is always written new.");
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Pooling would keep the file open after Dispose, which blocks hashing, zipping and renaming on Windows.
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var db = new GeoPackageDatabase(full, connection, storage);
            db.Initialise();
            return db;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public int Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command.ExecuteNonQuery();
    }

    public T? Scalar<T>(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        var result = command.ExecuteScalar();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Adds a spatial reference row unless one with the same srs_id exists; returns the srs_id.</summary>
    public int AddSpatialReference(GeoPackageSpatialReference srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (_srsIds.Add(srs.SrsId))
        {
            Execute(
                "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) " +
                "VALUES ($name, $id, $org, $orgId, $def, $desc)",
                null,
                ("$name", srs.Name), ("$id", srs.SrsId), ("$org", srs.Organization), ("$orgId", srs.OrganizationCoordsysId),
                ("$def", srs.Definition), ("$desc", srs.Description));
        }
        return srs.SrsId;
    }

    /// <summary>Adds (once) the row for an ArcGIS spatial reference; WKT-only references get custom ids from 100000.</summary>
    public int AddSpatialReference(SpatialReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Epsg is not { } epsg || epsg <= 0)
        {
            var wkt = reference.Wkt ?? throw new ArgumentException("A spatial reference needs a wkid or a WKT.", nameof(reference));
            if (_customSrsByWkt.TryGetValue(wkt, out var existing))
            {
                return existing;
            }
            var id = GeoPackageSpatialReference.FirstCustomSrsId;
            while (_srsIds.Contains(id))
            {
                id++;
            }
            _customSrsByWkt[wkt] = id;
            return AddSpatialReference(GeoPackageSpatialReference.From(reference, id));
        }
        return AddSpatialReference(GeoPackageSpatialReference.From(reference, 0));
    }

    public void AddContents(string tableName, string dataType, string identifier, string? description, int? srsId, EsriEnvelope? bounds, SqliteTransaction? transaction = null)
    {
        var hasBounds = bounds is { IsEmpty: false };
        Execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) " +
            $"VALUES ($t, $type, $id, $desc, {SqlNow}, $minx, $miny, $maxx, $maxy, $srs)",
            transaction,
            ("$t", tableName), ("$type", dataType), ("$id", identifier), ("$desc", description ?? ""),
            ("$minx", hasBounds ? bounds!.XMin : null), ("$miny", hasBounds ? bounds!.YMin : null),
            ("$maxx", hasBounds ? bounds!.XMax : null), ("$maxy", hasBounds ? bounds!.YMax : null),
            ("$srs", srsId));
    }

    public void UpdateContentsBounds(string tableName, EsriEnvelope? bounds, SqliteTransaction? transaction = null)
    {
        var hasBounds = bounds is { IsEmpty: false };
        Execute(
            $"UPDATE gpkg_contents SET last_change = {SqlNow}, min_x = $minx, min_y = $miny, max_x = $maxx, max_y = $maxy WHERE table_name = $t",
            transaction,
            ("$t", tableName),
            ("$minx", hasBounds ? bounds!.XMin : null), ("$miny", hasBounds ? bounds!.YMin : null),
            ("$maxx", hasBounds ? bounds!.XMax : null), ("$maxy", hasBounds ? bounds!.YMax : null));
    }

    public void AddExtension(string? tableName, string? columnName, string extensionName, string definition, string scope, SqliteTransaction? transaction = null)
    {
        Execute(
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) " +
            "SELECT $t, $c, $e, $d, $s WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions " +
            "WHERE table_name IS $t AND column_name IS $c AND extension_name = $e)",
            transaction,
            ("$t", tableName), ("$c", columnName), ("$e", extensionName), ("$d", definition), ("$s", scope));
    }

    /// <summary>
    /// Switches the file from bulk-load settings to the settings a device expects: rollback journal, normal sync.
    /// </summary>
    public void Complete()
    {
        Execute("PRAGMA journal_mode = DELETE");
        Execute("PRAGMA synchronous = NORMAL");
        Execute("PRAGMA locking_mode = NORMAL");
        if (_storage.Analyze)
        {
            Execute("PRAGMA optimize");
        }
    }

    public void Dispose() => Connection.Dispose();

    private void Initialise()
    {
        if (_storage.PageSize is { } size)
        {
            Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA page_size = {size}")); // before the first table
        }
        // The file is new and only this writer sees it until the job renames the package into place, so a crash
        // only loses a file that would be rewritten anyway: an in-memory journal (rollback still works), no fsync.
        Execute("PRAGMA journal_mode = MEMORY");
        Execute("PRAGMA synchronous = OFF");
        Execute("PRAGMA locking_mode = EXCLUSIVE");
        Execute("PRAGMA temp_store = FILE"); // the R-tree load tables can hold millions of envelopes
        Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = -{_storage.CacheKibibytes}"));
        Execute("PRAGMA foreign_keys = ON");
        Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA application_id = {ApplicationId}"));
        Execute(string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {UserVersion}"));

        Execute("""
            CREATE TABLE gpkg_spatial_ref_sys (
              srs_name TEXT NOT NULL,
              srs_id INTEGER PRIMARY KEY,
              organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL,
              definition TEXT NOT NULL,
              description TEXT)
            """);
        Execute($"""
            CREATE TABLE gpkg_contents (
              table_name TEXT NOT NULL PRIMARY KEY,
              data_type TEXT NOT NULL,
              identifier TEXT UNIQUE,
              description TEXT DEFAULT '',
              last_change DATETIME NOT NULL DEFAULT ({SqlNow}),
              min_x DOUBLE,
              min_y DOUBLE,
              max_x DOUBLE,
              max_y DOUBLE,
              srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))
            """);
        Execute("""
            CREATE TABLE gpkg_extensions (
              table_name TEXT,
              column_name TEXT,
              extension_name TEXT NOT NULL,
              definition TEXT NOT NULL,
              scope TEXT NOT NULL,
              CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))
            """);
        foreach (var srs in GeoPackageSpatialReference.Required)
        {
            AddSpatialReference(srs);
        }
    }

    public void CreateGeometryColumnsTable() => Execute("""
        CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
          table_name TEXT NOT NULL,
          column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL,
          z TINYINT NOT NULL,
          m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))
        """);

    public void CreateTileMatrixTables()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS gpkg_tile_matrix_set (
              table_name TEXT NOT NULL PRIMARY KEY,
              srs_id INTEGER NOT NULL,
              min_x DOUBLE NOT NULL,
              min_y DOUBLE NOT NULL,
              max_x DOUBLE NOT NULL,
              max_y DOUBLE NOT NULL,
              CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))
            """);
        Execute("""
            CREATE TABLE IF NOT EXISTS gpkg_tile_matrix (
              table_name TEXT NOT NULL,
              zoom_level INTEGER NOT NULL,
              matrix_width INTEGER NOT NULL,
              matrix_height INTEGER NOT NULL,
              tile_width INTEGER NOT NULL,
              tile_height INTEGER NOT NULL,
              pixel_x_size DOUBLE NOT NULL,
              pixel_y_size DOUBLE NOT NULL,
              CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
              CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name))
            """);
    }
}
