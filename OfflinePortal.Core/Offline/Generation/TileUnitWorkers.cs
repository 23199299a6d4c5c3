using System.Globalization;
using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Packaging;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// Fetches the tiles of one layer (the exact set <see cref="TileSelection"/> gives for its levels and area) from the
/// service's tile endpoint, concurrently within the job's tile limit, and hands them to a writer. A tile the service
/// does not have (404) is skipped and counted.
/// </summary>
internal static class TileFetcher
{
    public static async Task<(long Written, long Missing)> FetchAsync(JobContext context, PlannedLayer layer, IReadOnlyList<TileSet> sets,
        Func<TileCoordinate, CancellationToken, Task<ArcGisDownload?>> open, Func<TileCoordinate, PooledBytes, CancellationToken, ValueTask> write,
        CancellationToken cancellationToken)
    {
        var total = sets.Sum(s => s.Count);
        long written = 0, missing = 0, level = -1;
        var unitKey = layer.Id;
        context.Progress.Update(layer.Id, p => p with { State = LayerJobState.Running, Step = "downloading tiles", Done = 0, Total = total });
        var options = new ParallelOptions { MaxDegreeOfParallelism = context.Options.MaxConcurrentTileRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(sets.SelectMany(s => s.Enumerate()), options, async (tile, token) =>
        {
            if (Interlocked.Exchange(ref level, tile.Level) != tile.Level)
            {
                context.Progress.Update(layer.Id, p => p with { Step = string.Create(CultureInfo.InvariantCulture, $"downloading tiles of level {tile.Level}") });
            }
            PooledBytes? bytes;
            await context.TileGate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await using var download = await open(tile, token).ConfigureAwait(false);
                bytes = download is null ? null : await download.ReadPooledAsync(token).ConfigureAwait(false);
            }
            finally
            {
                context.TileGate.Release();
            }
            if (bytes is null || bytes.Length == 0)
            {
                bytes?.Dispose();
                Interlocked.Increment(ref missing);
                return;
            }
            var length = bytes.Length;
            await write(tile, bytes, token).ConfigureAwait(false); // the writer owns the bytes from here
            var done = Interlocked.Increment(ref written);
            context.Progress.AddTiles(1);
            context.Progress.AddBytes(length);
            if (done % 16 == 0 || done == total)
            {
                context.Progress.Update(layer.Id, p => p with { Done = done, Bytes = p.Bytes + length });
                context.Progress.SetUnitFraction(unitKey, 0.95 * done / Math.Max(1, total));
            }
        }).ConfigureAwait(false);
        if (missing > 0)
        {
            context.Log.Warning(string.Create(CultureInfo.InvariantCulture, $"'{layer.Title}': the service has no tile at {missing:N0} of {total:N0} places; they are left empty."));
        }
        return (written, missing);
    }
}

/// <summary>A tiled layer into <c>tiles/&lt;layer&gt;.gpkg</c>, in the service's own tiling scheme.</summary>
internal sealed class TileUnitWorker(JobContext context, TileUnit unit, string fileStem)
{
    public string RelativePath => "tiles/" + fileStem + ".gpkg";

    public async Task<UnitOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var layer = unit.Layer;
        var sets = TileSelection.For(unit.TileInfo, unit.Parameters.LevelIds, unit.Area);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"'{layer.Title}': {sets.Sum(s => s.Count):N0} tiles on levels {string.Join(", ", sets.Select(s => s.Level))}."));
        var path = Path.Combine(context.PackageDirectory, "tiles", fileStem + ".gpkg");
        await using var writer = TileGeoPackageWriter.Create(path, new TileGeoPackageOptions
        {
            Title = layer.Title,
            Description = unit.Service.ServiceDescription ?? unit.Service.CopyrightText,
            TileInfo = unit.TileInfo,
            Levels = sets.Select(s => s.Level).ToList(),
            Bounds = TileSelection.Bounds(unit.TileInfo, unit.Area),
        });
        var (written, _) = await TileFetcher.FetchAsync(context, layer, sets,
            (t, ct) => context.Tiles.OpenTileAsync(unit.ServiceUrl, t.Level, t.Row, t.Column, context.Credential, ct),
            (t, bytes, ct) => writer.WriteTileAsync(t.Level, t.Row, t.Column, bytes, ct),
            cancellationToken).ConfigureAwait(false);
        context.Progress.Update(layer.Id, p => p with { Step = "finishing GeoPackage" });
        var summary = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        context.Progress.Update(layer.Id, p => p with { State = LayerJobState.Done, Step = "done", Done = written, Bytes = summary.Bytes });
        context.Progress.SetUnitFraction(layer.Id, 1);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"'{layer.Title}': {RelativePath} written ({summary.TileCount:N0} tiles, {summary.Bytes:N0} bytes)."));
        return new UnitOutcome(layer.Id, RelativePath, [new LayerOutcome(layer.Id, null, summary.TableName, summary.TileCount, summary.Bytes) { Levels = [.. sets.Select(s => s.Level)] }]);
    }
}

/// <summary>
/// A vector tile layer into <c>tiles/&lt;layer&gt;.mbtiles</c> (levels 0 to the chosen one, tiles kept as served), its
/// style as <c>tiles/&lt;layer&gt;.style.json</c> pointing at the file, and the style's sprites and glyphs when the
/// service has them (<c>tiles/&lt;layer&gt;.resources/</c>).
/// </summary>
internal sealed class VectorTileUnitWorker(JobContext context, VectorTileUnit unit, string fileStem)
{
    /// <summary>Glyph ranges downloaded per font stack: Basic Latin/Latin-1 and Latin Extended, enough for most labels.</summary>
    private static readonly string[] GlyphRanges = ["0-255", "256-511"];

    public string RelativePath => "tiles/" + fileStem + ".mbtiles";

    public string StylePath => "tiles/" + fileStem + ".style.json";

    public async Task<UnitOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var layer = unit.Layer;
        var sets = TileSelection.For(unit.TileInfo, unit.Levels, unit.Area);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"'{layer.Title}': {sets.Sum(s => s.Count):N0} vector tiles on levels 0 to {unit.Parameters.MaxLevel}."));
        var bounds = unit.Area.Wgs84.EnvelopeInternal;
        var path = Path.Combine(context.PackageDirectory, "tiles", fileStem + ".mbtiles");
        var sourceLayers = unit.Style.Style["layers"] is JsonArray styleLayers
            ? styleLayers.OfType<JsonObject>().Select(l => l["source-layer"]?.GetValue<string>()).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [];
        await using var writer = MbTilesWriter.Create(path, new MbTilesOptions
        {
            Name = layer.Title,
            Description = unit.Service.Name,
            Attribution = unit.Service.CopyrightText,
            BoundsWgs84 = new EsriEnvelope(Math.Max(bounds.MinX, -180), Math.Max(bounds.MinY, -WebMercator.MaxLatitude),
                Math.Min(bounds.MaxX, 180), Math.Min(bounds.MaxY, WebMercator.MaxLatitude)) { SpatialReference = SpatialReference.Wgs84 },
            MinZoom = sets[0].Level,
            MaxZoom = sets[^1].Level,
            VectorLayers = new JsonArray([.. sourceLayers.Select(name => (JsonNode)new JsonObject { ["id"] = name, ["fields"] = new JsonObject() })]),
        });
        var template = unit.Service.TileTemplates.FirstOrDefault();
        var (written, _) = await TileFetcher.FetchAsync(context, layer, sets,
            (t, ct) => context.VectorTiles.OpenTileAsync(unit.ServiceUrl, t.Level, t.Row, t.Column, template, context.Credential, ct),
            async (t, bytes, ct) =>
            {
                using (bytes)
                {
                    await writer.WriteTileAsync(t.Level, t.Column, t.Row, bytes.Memory.ToArray(), ct).ConfigureAwait(false); // small vector tiles: a copy is cheap
                }
            },
            cancellationToken).ConfigureAwait(false);
        context.Progress.Update(layer.Id, p => p with { Step = "writing style" });
        var style = (JsonObject)unit.Style.Style.DeepClone();
        await CopyResourcesAsync(style, cancellationToken).ConfigureAwait(false);
        await MbTilesWriter.WriteStyleAsync(style, Path.Combine(context.PackageDirectory, "tiles", fileStem + ".style.json"), fileStem + ".mbtiles", cancellationToken)
            .ConfigureAwait(false);
        var summary = await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        context.Progress.Update(layer.Id, p => p with { State = LayerJobState.Done, Step = "done", Done = written, Bytes = summary.Bytes });
        context.Progress.SetUnitFraction(layer.Id, 1);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"'{layer.Title}': {RelativePath} written ({summary.TileCount:N0} tiles, {summary.Bytes:N0} bytes)."));
        return new UnitOutcome(layer.Id, RelativePath,
            [new LayerOutcome(layer.Id, null, null, summary.TileCount, summary.Bytes) { Levels = [.. sets.Select(s => s.Level)] }]);
    }

    /// <summary>Downloads the sprite sheets and Latin glyph ranges the style names and points the style at the copies.</summary>
    private async Task CopyResourcesAsync(JsonObject style, CancellationToken cancellationToken)
    {
        var folder = fileStem + ".resources";
        var root = Path.Combine(context.PackageDirectory, "tiles", folder);
        if (unit.Style.SpriteUrl is { } sprite)
        {
            var copied = 0;
            foreach (var suffix in new[] { ".json", ".png", "@2x.json", "@2x.png" })
            {
                copied += await CopyAsync(new Uri(sprite.OriginalString + suffix), Path.Combine(root, "sprites", "sprite" + suffix), cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            if (copied > 0)
            {
                style["sprite"] = folder + "/sprites/sprite";
            }
            else
            {
                context.Log.Warning($"'{unit.Layer.Title}': the style's sprites could not be downloaded; the offline style keeps their online address.");
            }
        }
        if (unit.Style.GlyphsTemplate is { } glyphs)
        {
            var stacks = FontStacks(style);
            var copied = 0;
            foreach (var stack in stacks)
            {
                foreach (var range in GlyphRanges)
                {
                    var url = glyphs.Replace("{fontstack}", Uri.EscapeDataString(stack), StringComparison.Ordinal).Replace("{range}", range, StringComparison.Ordinal);
                    if (Uri.TryCreate(url, UriKind.Absolute, out var absolute)
                        && await CopyAsync(absolute, Path.Combine(root, "fonts", PackageNames.ToFileStem(stack), range + ".pbf"), cancellationToken).ConfigureAwait(false))
                    {
                        copied++;
                    }
                }
            }
            if (copied > 0)
            {
                // Font stack names are made file-safe the same way the folders above are named.
                style["glyphs"] = folder + "/fonts/{fontstack}/{range}.pbf";
                RenameFontStacks(style);
            }
            else if (stacks.Count > 0)
            {
                context.Log.Warning($"'{unit.Layer.Title}': the style's glyphs could not be downloaded; labels need a connection.");
            }
        }
    }

    private async Task<bool> CopyAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var download = await context.VectorTiles.OpenResourceAsync(url, context.Credential, cancellationToken).ConfigureAwait(false);
            if (download is null)
            {
                return false;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await download.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ArcGisException e)
        {
            context.Log.Warning($"'{unit.Layer.Title}': {ArcGisUrl.Redact(url)} could not be downloaded: {e.Message}");
            return false;
        }
    }

    private static List<string> FontStacks(JsonObject style) =>
        style["layers"] is JsonArray layers
            ? layers.OfType<JsonObject>()
                .Select(l => l["layout"]?["text-font"] as JsonArray)
                .OfType<JsonArray>()
                .Select(fonts => string.Join(",", fonts.Select(f => f?.GetValueKind() == System.Text.Json.JsonValueKind.String ? f.GetValue<string>() : null).OfType<string>()))
                .Where(s => s.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList()
            : [];

    private static void RenameFontStacks(JsonObject style)
    {
        if (style["layers"] is not JsonArray layers)
        {
            return;
        }
        foreach (var layout in layers.OfType<JsonObject>().Select(l => l["layout"] as JsonObject).OfType<JsonObject>())
        {
            if (layout["text-font"] is JsonArray fonts && fonts.All(f => f?.GetValueKind() == System.Text.Json.JsonValueKind.String))
            {
                var stack = string.Join(",", fonts.Select(f => f!.GetValue<string>()));
                layout["text-font"] = new JsonArray(PackageNames.ToFileStem(stack));
            }
        }
    }
}
