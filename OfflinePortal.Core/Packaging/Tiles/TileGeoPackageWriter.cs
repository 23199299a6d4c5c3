using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>Options for a raster tile GeoPackage (<c>tiles/&lt;layer&gt;.gpkg</c>).</summary>
public sealed record TileGeoPackageOptions
{
    /// <summary>The layer title; the table name is derived from it (see <see cref="PackageNames.ToTableName"/>).</summary>
    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The service's tiling scheme (MapServer/ImageServer <c>tileInfo</c>).</summary>
    public required TileInfo TileInfo { get; init; }

    /// <summary>The exported LOD levels.</summary>
    public required IReadOnlyList<int> Levels { get; init; }

    /// <summary>The exported area in the tiling scheme's spatial reference (also the <c>gpkg_contents</c> extent).</summary>
    public required EsriEnvelope Bounds { get; init; }

    /// <summary>Tiles per transaction.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Tiles waiting for the writer before producers are slowed down.</summary>
    public int QueueCapacity { get; init; } = 256;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Title);
        ArgumentNullException.ThrowIfNull(TileInfo);
        ArgumentNullException.ThrowIfNull(Bounds);
        if (Levels is null || Levels.Count == 0)
        {
            throw new ArgumentException("At least one level is needed.", nameof(Levels));
        }
        if (BatchSize < 1 || QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "Batch size and queue capacity must be positive.");
        }
    }
}

public sealed record TileGeoPackageSummary(string Path, string TableName, long TileCount, long Bytes, TileMatrixSet MatrixSet);

/// <summary>
/// Writes raster tiles, as the service serves them (PNG or JPEG bytes), into a GeoPackage tile pyramid in the
/// service's own tiling scheme (see <see cref="TileMatrixSet"/>). Any number of producers may call
/// <see cref="WriteTileAsync(int, int, int, ReadOnlyMemory{byte}, CancellationToken)"/> concurrently: tiles go through a
/// bounded channel to a single writer task that inserts them in batched transactions. Order of use: <see cref="Create"/>
/// → WriteTileAsync (concurrently) → <see cref="FinishAsync"/>.
/// </summary>
public sealed class TileGeoPackageWriter : IAsyncDisposable
{
    private const string ZoomOtherDefinition = "http://www.geopackage.org/spec/#extension_zoom_other";

    private readonly GeoPackageDatabase _db;
    private readonly TileGeoPackageOptions _options;
    private readonly Channel<Tile> _queue;
    private readonly Task _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, TileMatrix> _matrices;
    private long _count;
    private bool _finished;

    private TileGeoPackageWriter(GeoPackageDatabase db, TileGeoPackageOptions options, string tableName, TileMatrixSet matrixSet)
    {
        _db = db;
        _options = options;
        TableName = tableName;
        MatrixSet = matrixSet;
        _matrices = matrixSet.Matrices.ToDictionary(m => m.ZoomLevel);
        _queue = Channel.CreateBounded<Tile>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(() => RunWriterAsync(_stop.Token));
    }

    public string Path => _db.Path;

    public string TableName { get; }

    public TileMatrixSet MatrixSet { get; }

    public static TileGeoPackageWriter Create(string path, TileGeoPackageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var matrixSet = TileMatrixSet.For(options.TileInfo, options.Levels, options.Bounds);
        var db = GeoPackageDatabase.Create(path, GeoPackageStorage.Tiles);
        try
        {
            var tableName = PackageNames.ToTableName(options.Title, new HashSet<string>(StringComparer.OrdinalIgnoreCase));
            var srsId = db.AddSpatialReference(options.TileInfo.SpatialReference);
            db.CreateTileMatrixTables();
            using var transaction = db.Connection.BeginTransaction();
            db.Execute($"""
                CREATE TABLE {PackageNames.QuoteIdentifier(tableName)} (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  zoom_level INTEGER NOT NULL,
                  tile_column INTEGER NOT NULL,
                  tile_row INTEGER NOT NULL,
                  tile_data BLOB NOT NULL,
                  UNIQUE (zoom_level, tile_column, tile_row))
                """, transaction);
            var contents = Clip(options.Bounds, matrixSet.Extent);
            db.AddContents(tableName, "tiles", tableName, options.Description ?? options.Title, srsId, contents, transaction);
            db.Execute(
                "INSERT INTO gpkg_tile_matrix_set (table_name, srs_id, min_x, min_y, max_x, max_y) VALUES ($t, $s, $a, $b, $c, $d)",
                transaction, ("$t", tableName), ("$s", srsId), ("$a", matrixSet.MinX), ("$b", matrixSet.MinY), ("$c", matrixSet.MaxX), ("$d", matrixSet.MaxY));
            foreach (var m in matrixSet.Matrices)
            {
                db.Execute(
                    "INSERT INTO gpkg_tile_matrix (table_name, zoom_level, matrix_width, matrix_height, tile_width, tile_height, pixel_x_size, pixel_y_size) " +
                    "VALUES ($t, $z, $w, $h, $tw, $th, $px, $py)",
                    transaction, ("$t", tableName), ("$z", m.ZoomLevel), ("$w", m.MatrixWidth), ("$h", m.MatrixHeight),
                    ("$tw", m.TileWidth), ("$th", m.TileHeight), ("$px", m.PixelXSize), ("$py", m.PixelYSize));
            }
            if (matrixSet.HasOtherZoomSteps)
            {
                db.AddExtension(tableName, "tile_data", "gpkg_zoom_other", ZoomOtherDefinition, "read-write", transaction);
            }
            transaction.Commit();
            return new TileGeoPackageWriter(db, options, tableName, matrixSet);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Queues one tile (ArcGIS level/row/col). Waits while the queue is full. Thread-safe.</summary>
    /// <exception cref="ArgumentException">The tile is outside the matrix or is not PNG, JPEG or WebP.</exception>
    public ValueTask WriteTileAsync(int level, int row, int column, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        QueueAsync(new Tile(level, row, column, data, null), cancellationToken);

    /// <summary>Queues one tile whose pooled bytes the writer then owns: they are returned to the pool once written (or refused).</summary>
    internal async ValueTask WriteTileAsync(int level, int row, int column, PooledBytes data, CancellationToken cancellationToken = default)
    {
        try
        {
            await QueueAsync(new Tile(level, row, column, data.Memory, data), cancellationToken);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    private async ValueTask QueueAsync(Tile tile, CancellationToken cancellationToken)
    {
        var (level, row, column, data) = (tile.Level, tile.Row, tile.Column, tile.Data);
        if (!_matrices.TryGetValue(level, out var matrix))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Level not exported in this tile package.");
        }
        if (row < 0 || column < 0 || row >= matrix.MatrixHeight || column >= matrix.MatrixWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Tile {level}/{row}/{column} lies outside the {matrix.MatrixWidth}x{matrix.MatrixHeight} matrix.");
        }
        if (ImageFormat(data.Span) is null)
        {
            throw new ArgumentException($"Tile {level}/{row}/{column} is not a PNG, JPEG or WebP image.", nameof(data));
        }
        try
        {
            await _queue.Writer.WriteAsync(tile, cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The tile writer has stopped: " + (e.InnerException?.Message ?? "finished"), e.InnerException ?? e);
        }
    }

    /// <summary>Reads a downloaded tile (bounded size) and queues it.</summary>
    public async ValueTask WriteTileAsync(int level, int row, int column, Stream data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var buffer = new MemoryStream();
        await data.CopyToAsync(buffer, cancellationToken);
        await WriteTileAsync(level, row, column, buffer.ToArray(), cancellationToken);
    }

    /// <summary>Waits for every queued tile to be written, then completes the file.</summary>
    public async Task<TileGeoPackageSummary> FinishAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken);
        _db.Complete();
        _finished = true;
        _db.Dispose();
        return new TileGeoPackageSummary(_db.Path, TableName, Interlocked.Read(ref _count), new FileInfo(_db.Path).Length, MatrixSet);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception) when (!_finished)
        {
            // the failure was already reported to the producers and FinishAsync
        }
        _stop.Dispose();
        _db.Dispose();
    }

    internal static string? ImageFormat(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, 0x50, 0x4E, 0x47, ..] => "png",
        [0xFF, 0xD8, 0xFF, ..] => "jpeg",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "webp",
        _ => null,
    };

    private static EsriEnvelope Clip(EsriEnvelope bounds, EsriEnvelope frame) => new(
        Math.Max(bounds.XMin, frame.XMin), Math.Max(bounds.YMin, frame.YMin), Math.Min(bounds.XMax, frame.XMax), Math.Min(bounds.YMax, frame.YMax));

    private async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Bound through SQLite's C API: the tile's span goes straight in (no array of exactly its length needed).
            using var insert = new SqliteStatement(_db.Connection,
                $"INSERT OR REPLACE INTO {PackageNames.QuoteIdentifier(TableName)} (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)");
            var sawWebp = false;
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                using var transaction = _db.Connection.BeginTransaction();
                var inBatch = 0;
                while (inBatch < _options.BatchSize && reader.TryRead(out var tile))
                {
                    using (tile.Owner)
                    {
                        insert.Bind(1, (long)tile.Level);
                        insert.Bind(2, (long)tile.Column);
                        insert.Bind(3, (long)tile.Row);
                        insert.BindBlob(4, tile.Data.Span);
                        insert.Execute();
                        if (!sawWebp && ImageFormat(tile.Data.Span) == "webp")
                        {
                            sawWebp = true;
                            _db.AddExtension(TableName, "tile_data", "gpkg_webp", "http://www.geopackage.org/spec/#extension_tiles_webp", "read-write", transaction);
                        }
                    }
                    inBatch++;
                }
                transaction.Commit();
                Interlocked.Add(ref _count, inBatch);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }

    private readonly record struct Tile(int Level, int Row, int Column, ReadOnlyMemory<byte> Data, PooledBytes? Owner);
}
