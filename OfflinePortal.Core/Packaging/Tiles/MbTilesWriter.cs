using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>Options for a vector tile MBTiles file (<c>tiles/&lt;layer&gt;.mbtiles</c>).</summary>
public sealed record MbTilesOptions
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public string? Attribution { get; init; }

    /// <summary><c>pbf</c> for vector tiles (the default), or <c>png</c>/<c>jpg</c> for raster tiles.</summary>
    public string Format { get; init; } = "pbf";

    /// <summary>Bounds in WGS 84 longitude/latitude.</summary>
    public required EsriEnvelope BoundsWgs84 { get; init; }

    public required int MinZoom { get; init; }

    public required int MaxZoom { get; init; }

    /// <summary>The <c>vector_layers</c> array of the TileJSON, when known (GDAL needs it to list the layers).</summary>
    public JsonArray? VectorLayers { get; init; }

    public int BatchSize { get; init; } = 500;

    public int QueueCapacity { get; init; } = 256;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(Format);
        ArgumentNullException.ThrowIfNull(BoundsWgs84);
        if (MinZoom < 0 || MaxZoom < MinZoom || MaxZoom > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxZoom), "Zoom levels must satisfy 0 <= minzoom <= maxzoom <= 30.");
        }
        if (BatchSize < 1 || QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), "Batch size and queue capacity must be positive.");
        }
    }
}

public sealed record MbTilesSummary(string Path, long TileCount, long Bytes);

/// <summary>
/// Writes tiles of a Web Mercator (Google/XYZ) tiling scheme into an MBTiles 1.3 file: the metadata table and the
/// tiles table in TMS row order (the row is flipped: <c>tile_row = 2^z - 1 - y</c>). Vector tile bytes are stored as
/// served (gzip-compressed MVT). Thread-safe producers, one writer task, batched transactions, as
/// <see cref="TileGeoPackageWriter"/>.
/// </summary>
public sealed class MbTilesWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly MbTilesOptions _options;
    private readonly Channel<(int Z, int X, int Y, ReadOnlyMemory<byte> Data)> _queue;
    private readonly Task _writer;
    private long _count;
    private bool _finished;

    private MbTilesWriter(string path, SqliteConnection connection, MbTilesOptions options)
    {
        Path = path;
        _connection = connection;
        _options = options;
        _queue = Channel.CreateBounded<(int, int, int, ReadOnlyMemory<byte>)>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(RunWriterAsync);
    }

    public string Path { get; }

    public static MbTilesWriter Create(string path, MbTilesOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new IOException($"The file {full} already exists; a package file is always written new.");
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = MEMORY");
            Execute(connection, "PRAGMA synchronous = OFF");
            Execute(connection, "PRAGMA application_id = 0x4d504258"); // "MPBX", as MBTiles 1.3 suggests
            Execute(connection, "CREATE TABLE metadata (name TEXT, value TEXT)");
            Execute(connection, "CREATE UNIQUE INDEX name ON metadata (name)");
            Execute(connection, "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)");
            Execute(connection, "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)");
            var inv = CultureInfo.InvariantCulture;
            var b = options.BoundsWgs84;
            var metadata = new Dictionary<string, string?>
            {
                ["name"] = options.Name,
                ["format"] = options.Format,
                ["bounds"] = string.Create(inv, $"{b.XMin:R},{b.YMin:R},{b.XMax:R},{b.YMax:R}"),
                ["center"] = string.Create(inv, $"{(b.XMin + b.XMax) / 2:R},{(b.YMin + b.YMax) / 2:R},{(options.MinZoom + options.MaxZoom) / 2}"),
                ["minzoom"] = options.MinZoom.ToString(inv),
                ["maxzoom"] = options.MaxZoom.ToString(inv),
                ["type"] = "baselayer",
                ["version"] = "1",
                ["description"] = options.Description,
                ["attribution"] = options.Attribution,
                ["json"] = options.VectorLayers is null ? null : new JsonObject { ["vector_layers"] = options.VectorLayers.DeepClone() }.ToJsonString(),
            };
            foreach (var (name, value) in metadata.Where(m => m.Value is not null))
            {
                using var command = connection.CreateCommand();
                command.CommandText = "INSERT INTO metadata (name, value) VALUES ($n, $v)";
                command.Parameters.AddWithValue("$n", name);
                command.Parameters.AddWithValue("$v", value);
                command.ExecuteNonQuery();
            }
            return new MbTilesWriter(full, connection, options);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Queues one tile by XYZ/ArcGIS coordinates (row counted from the top). Thread-safe.</summary>
    public async ValueTask WriteTileAsync(int zoom, int x, int y, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (zoom < _options.MinZoom || zoom > _options.MaxZoom)
        {
            throw new ArgumentOutOfRangeException(nameof(zoom), zoom, "Zoom level outside minzoom..maxzoom.");
        }
        var size = 1L << zoom;
        if (x < 0 || y < 0 || x >= size || y >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"Tile {zoom}/{x}/{y} does not exist at zoom {zoom}.");
        }
        if (data.IsEmpty)
        {
            throw new ArgumentException("A tile needs data.", nameof(data));
        }
        try
        {
            await _queue.Writer.WriteAsync((zoom, x, y, data), cancellationToken);
        }
        catch (ChannelClosedException e)
        {
            throw new InvalidOperationException("The MBTiles writer has stopped.", e.InnerException ?? e);
        }
    }

    public async Task<MbTilesSummary> FinishAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(cancellationToken);
        Execute(_connection, "PRAGMA journal_mode = DELETE");
        _finished = true;
        _connection.Dispose();
        return new MbTilesSummary(Path, Interlocked.Read(ref _count), new FileInfo(Path).Length);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writer;
        }
        catch (Exception) when (!_finished)
        {
            // reported to producers and FinishAsync
        }
        _connection.Dispose();
    }

    /// <summary>
    /// Writes the vector tile style next to the MBTiles file with every vector source pointing at it
    /// (<c>"url": "mbtiles://&lt;file&gt;"</c>, relative to the style); other sources, sprites and glyphs are kept.
    /// </summary>
    public static async Task WriteStyleAsync(JsonNode style, string stylePath, string mbtilesFileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(style);
        ArgumentException.ThrowIfNullOrWhiteSpace(stylePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(mbtilesFileName);
        var copy = style.DeepClone();
        if (copy["sources"] is JsonObject sources)
        {
            foreach (var (_, source) in sources)
            {
                if (source is JsonObject s && string.Equals((string?)s["type"], "vector", StringComparison.Ordinal))
                {
                    s.Remove("tiles");
                    s["url"] = "mbtiles://" + mbtilesFileName;
                }
            }
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(stylePath))!);
        await using var file = new FileStream(stylePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        copy.WriteTo(writer);
        await writer.FlushAsync(cancellationToken);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task RunWriterAsync()
    {
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES ($z, $x, $y, $d)";
            var z = command.Parameters.Add("$z", SqliteType.Integer);
            var x = command.Parameters.Add("$x", SqliteType.Integer);
            var y = command.Parameters.Add("$y", SqliteType.Integer);
            var d = command.Parameters.Add("$d", SqliteType.Blob);
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync())
            {
                using var transaction = _connection.BeginTransaction();
                command.Transaction = transaction;
                var inBatch = 0;
                while (inBatch < _options.BatchSize && reader.TryRead(out var tile))
                {
                    z.Value = tile.Z;
                    x.Value = tile.X;
                    y.Value = (1L << tile.Z) - 1 - tile.Y; // TMS rows count from the bottom
                    d.Value = tile.Data.ToArray();
                    command.ExecuteNonQuery();
                    inBatch++;
                }
                transaction.Commit();
                Interlocked.Add(ref _count, inBatch);
            }
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }
}
