using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.Geometry;

namespace OfflinePortal.Core.Offline;

/// <summary>The row filter of one layer of a feature unit, as a query (null when the layer takes no rows of its own).</summary>
internal static class LayerQueries
{
    public static FeatureQuery? For(FeatureUnit unit, GenerateLayerOption option) => option.QueryOption switch
    {
        GenerateLayerQueryOption.None => null,
        GenerateLayerQueryOption.All => new FeatureQuery(),
        _ => new FeatureQuery
        {
            Where = string.IsNullOrWhiteSpace(option.WhereClause) ? "1=1" : option.WhereClause,
            Geometry = option.UseGeometry ? unit.Extent : null,
        },
    };

    /// <summary>
    /// The query for a layer's features without geometry, when its option asks for them: the where clause alone (no
    /// spatial filter); the caller keeps the rows without geometry. A where clause on the shape field is not portable
    /// across servers, so this reads the filtered layer once.
    /// </summary>
    public static FeatureQuery? ForNullGeometry(GenerateLayerOption option, LayerInfo info) =>
        option is { IncludeFeaturesWithNullGeometry: true, UseGeometry: true, QueryOption: GenerateLayerQueryOption.UseFilter } && !info.IsTable
            ? new FeatureQuery { Where = string.IsNullOrWhiteSpace(option.WhereClause) ? "1=1" : option.WhereClause, OutSpatialReference = info.SpatialReference }
            : null;

    public static Uri LayerUrl(FeatureUnit unit, int layerId) => ArcGisUrl.Append(unit.ServiceUrl, layerId.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Estimates a job before anything is downloaded: exact tile counts per level (<see cref="TileSelection"/>), tile
/// sizes from a few real tiles of each level, feature counts from <c>returnCountOnly</c> with the replica's own filters,
/// and row and attachment sizes from a sample of features. Sampled tile sizes are kept for the task's lifetime, so
/// estimating again while the area is edited costs only the counts.
/// </summary>
internal sealed class OfflineMapEstimator(
    FeatureServiceClient features,
    TiledServiceClient tiles,
    VectorTileServiceClient vectorTiles,
    ArcGisCredential credential,
    OfflineMapOptions options,
    ConcurrentDictionary<string, long> tileSizes)
{
    /// <summary>Only the tile counts (no requests): what the job checks against the services' limits.</summary>
    public static IReadOnlyList<TileLayerEstimate> CountTiles(OfflinePlan plan) =>
    [
        .. plan.TileUnits.Select(u => new TileLayerEstimate(u.Layer.Id, u.Layer.Title, u.ServiceUrl.OriginalString, OfflineLayerKind.TiledLayer,
            TileSelection.For(u.TileInfo, u.Parameters.LevelIds, u.Area).Select(s => new TileLevelEstimate(s.Level, u.TileInfo.FindLevel(s.Level)!.Scale, s.Count, 0)).ToList())
        {
            MaxExportTilesCount = u.Service.MaxExportTilesCount,
        }),
        .. plan.VectorTileUnits.Select(u => new TileLayerEstimate(u.Layer.Id, u.Layer.Title, u.ServiceUrl.OriginalString, OfflineLayerKind.VectorTileLayer,
            TileSelection.For(u.TileInfo, u.Levels, u.Area).Select(s => new TileLevelEstimate(s.Level, u.TileInfo.FindLevel(s.Level)!.Scale, s.Count, 0)).ToList())
        {
            MaxExportTilesCount = u.Service.MaxExportTilesCount,
        }),
    ];

    public async Task<OfflineMapEstimate> EstimateAsync(OfflinePlan plan, CancellationToken cancellationToken)
    {
        using var tileGate = new SemaphoreSlim(options.MaxConcurrentTileRequests);
        using var queryGate = new SemaphoreSlim(options.MaxConcurrentMetadataRequests);
        var tileTasks = plan.TileUnits.Select(u => EstimateTilesAsync(u.Layer, u.ServiceUrl, u.TileInfo, u.Parameters.LevelIds, u.Area, u.Service.MaxExportTilesCount,
                OfflineLayerKind.TiledLayer, (level, row, col, ct) => tiles.OpenTileAsync(u.ServiceUrl, level, row, col, credential, ct), tileGate, cancellationToken))
            .Concat(plan.VectorTileUnits.Select(u => EstimateTilesAsync(u.Layer, u.ServiceUrl, u.TileInfo, u.Levels, u.Area, u.Service.MaxExportTilesCount,
                OfflineLayerKind.VectorTileLayer, (level, row, col, ct) => vectorTiles.OpenTileAsync(u.ServiceUrl, level, row, col, u.Service.TileTemplates.FirstOrDefault(), credential, ct),
                tileGate, cancellationToken)))
            .ToList();
        var featureTasks = plan.FeatureUnits.SelectMany(u => u.Layers.Select(l => EstimateLayerAsync(u, l, queryGate, cancellationToken))).ToList();
        var tileLayers = await Task.WhenAll(tileTasks).ConfigureAwait(false);
        var featureLayers = await Task.WhenAll(featureTasks).ConfigureAwait(false);
        return new OfflineMapEstimate(tileLayers, featureLayers) { FeatureServiceCount = plan.FeatureUnits.Count };
    }

    private async Task<TileLayerEstimate> EstimateTilesAsync(PlannedLayer layer, Uri serviceUrl, TileInfo tileInfo, IEnumerable<int> levels, AreaOfInterest area,
        long maxTiles, OfflineLayerKind kind, Func<int, int, int, CancellationToken, Task<ArcGisDownload?>> open, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var sets = TileSelection.For(tileInfo, levels, area);
        var samples = await Task.WhenAll(sets.Select(async set =>
        {
            var sizes = await Task.WhenAll(TileSelection.Sample(set, options.EstimateTileSamplesPerLevel)
                .Select(t => TileSizeAsync(serviceUrl, t, open, gate, cancellationToken))).ConfigureAwait(false);
            return sizes.Where(s => s > 0).ToList();
        })).ConfigureAwait(false);
        var all = samples.SelectMany(s => s).ToList();
        var layerMean = all.Count > 0 ? all.Average() : 0;
        var estimates = sets.Select((set, i) =>
        {
            var mean = samples[i].Count > 0 ? samples[i].Average() : layerMean;
            return new TileLevelEstimate(set.Level, tileInfo.FindLevel(set.Level)!.Scale, set.Count, (long)Math.Round(mean * set.Count))
            {
                SampledTiles = samples[i].Count,
                SampledBytesPerTile = samples[i].Count > 0 ? samples[i].Average() : 0,
            };
        }).ToList();
        return new TileLayerEstimate(layer.Id, layer.Title, serviceUrl.OriginalString, kind, estimates)
        {
            MaxExportTilesCount = maxTiles,
            SampledBytesPerTile = layerMean,
        };
    }

    /// <summary>A tile's size in bytes (0 when the service has no tile there or it could not be read), cached.</summary>
    private async Task<long> TileSizeAsync(Uri serviceUrl, TileCoordinate tile, Func<int, int, int, CancellationToken, Task<ArcGisDownload?>> open,
        SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{serviceUrl.OriginalString}|{tile.Level}/{tile.Row}/{tile.Column}");
        if (tileSizes.TryGetValue(key, out var known))
        {
            return known;
        }
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var download = await open(tile.Level, tile.Row, tile.Column, cancellationToken).ConfigureAwait(false);
            var size = download is null ? 0 : (await download.ReadAllBytesAsync(cancellationToken).ConfigureAwait(false)).LongLength;
            tileSizes[key] = size;
            return size;
        }
        catch (ArcGisException)
        {
            return 0;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<FeatureLayerEstimate> EstimateLayerAsync(FeatureUnit unit, FeatureUnitLayer layer, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var id = layer.MapLayer?.Id ?? layer.Info.Name;
        var layerUrl = LayerQueries.LayerUrl(unit, layer.LayerId);
        var overhead = OfflineMapEstimate.LayerOverheadBytes + (layer.Info.HasAttachments ? OfflineMapEstimate.AttachmentTablesOverheadBytes : 0);
        var estimate = new FeatureLayerEstimate(id, layer.Title, unit.ServiceUrl.OriginalString, layer.LayerId, 0) { EstimatedBytes = overhead };
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var query = LayerQueries.For(unit, layer.Option);
            long count;
            var approximate = false;
            if (query is not null)
            {
                count = await features.QueryCountAsync(layerUrl, query, credential, cancellationToken).ConfigureAwait(false);
            }
            else if (layer.Option.IncludeRelated && RelatedOrigin(unit, layer) is { } origin && LayerQueries.For(unit, origin.Option) is { } originQuery)
            {
                // Rows that come only as related rows: the table's rows in proportion to the origin's share in the area.
                var originUrl = LayerQueries.LayerUrl(unit, origin.LayerId);
                var inArea = await features.QueryCountAsync(originUrl, originQuery, credential, cancellationToken).ConfigureAwait(false);
                var originAll = await features.QueryCountAsync(originUrl, null, credential, cancellationToken).ConfigureAwait(false);
                var all = await features.QueryCountAsync(layerUrl, null, credential, cancellationToken).ConfigureAwait(false);
                count = originAll == 0 ? 0 : (long)Math.Round((double)all * inArea / originAll);
                query = new FeatureQuery();
                approximate = true;
            }
            else
            {
                return estimate;
            }
            if (count == 0 || options.EstimateFeatureSamples == 0)
            {
                return estimate with { FeatureCount = count, IsApproximate = approximate, EstimatedBytes = overhead + (count * 200) };
            }
            var ids = await features.QueryObjectIdsAsync(layerUrl, query, credential, cancellationToken).ConfigureAwait(false);
            var sample = Spread(ids.ObjectIds, options.EstimateFeatureSamples);
            var page = await features.QueryPageAsync(layerUrl, new FeatureQuery { ObjectIds = sample }, credential, cancellationToken).ConfigureAwait(false);
            // The GlobalID index holds another copy of each row's GlobalID.
            var rowBytes = (page.Features.Count == 0 ? 200 : page.Features.Average(RowBytes)) + (layer.Info.GlobalIdField is null ? 0 : 60);
            long attachmentCount = 0, attachmentBytes = 0;
            if (unit.Parameters.ReturnAttachments && layer.Info.HasAttachments && sample.Count > 0)
            {
                // Attachments are rarer than rows and vary more: listing them for more rows costs one request still.
                var attachmentSample = Spread(ids.ObjectIds, options.EstimateFeatureSamples * 4);
                var (sampledCount, sampledBytes) = await SampleAttachmentsAsync(layerUrl, layer.Info, attachmentSample, cancellationToken).ConfigureAwait(false);
                var scale = (double)count / attachmentSample.Count;
                attachmentCount = (long)Math.Round(sampledCount * scale);
                attachmentBytes = (long)Math.Round(sampledBytes * scale);
            }
            return estimate with
            {
                FeatureCount = count,
                IsApproximate = approximate,
                SampledFeatures = page.Features.Count,
                AttachmentCount = attachmentCount,
                AttachmentBytes = attachmentBytes,
                EstimatedBytes = overhead + (long)Math.Round(rowBytes * count) + attachmentBytes,
            };
        }
        catch (ArcGisException e)
        {
            return estimate with { Error = e.Message };
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(long Count, long Bytes)> SampleAttachmentsAsync(Uri layerUrl, LayerInfo info, IReadOnlyList<long> sample, CancellationToken cancellationToken)
    {
        if (info.SupportsQueryAttachments)
        {
            var groups = await features.QueryAttachmentsAsync(layerUrl, sample, credential, cancellationToken).ConfigureAwait(false);
            var attachments = groups.SelectMany(g => g.Attachments).ToList();
            return (attachments.Count, attachments.Sum(a => a.Size ?? 0));
        }
        long count = 0, bytes = 0;
        foreach (var oid in sample.Take(10))
        {
            var list = await features.GetAttachmentsAsync(layerUrl, oid, credential, cancellationToken).ConfigureAwait(false);
            count += list.Count;
            bytes += list.Sum(a => a.Size ?? 0);
        }
        var taken = Math.Min(10, sample.Count);
        return ((long)Math.Round((double)count * sample.Count / taken), (long)Math.Round((double)bytes * sample.Count / taken));
    }

    private static FeatureUnitLayer? RelatedOrigin(FeatureUnit unit, FeatureUnitLayer destination) =>
        unit.Layers.FirstOrDefault(o => o.LayerId != destination.LayerId
            && o.Info.Relationships.Any(r => r.IsOrigin && r.RelatedTableId == destination.LayerId));

    private static List<long> Spread(IReadOnlyList<long> ids, int count)
    {
        if (ids.Count <= count)
        {
            return [.. ids];
        }
        var result = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            result.Add(ids[(int)((long)i * (ids.Count - 1) / Math.Max(1, count - 1))]);
        }
        return result;
    }

    /// <summary>
    /// Bytes a row takes in a GeoPackage: values as SQLite stores them, the geometry as GeoPackage WKB with its
    /// envelope, and the spatial index entry, with a margin for page fill.
    /// </summary>
    private static double RowBytes(EsriFeature feature)
    {
        double bytes = 16;
        foreach (var value in feature.Attributes.Values)
        {
            bytes += value switch
            {
                null => 1,
                string s => 2 + Encoding.UTF8.GetByteCount(s),
                long l => l is > -128 and < 128 ? 2 : l is > -32768 and < 32768 ? 3 : 9,
                double => 9,
                bool => 1,
                _ => 9,
            };
        }
        bytes += feature.Geometry switch
        {
            null => 0,
            EsriPoint => 8 + 21 + 40,
            EsriMultipoint m => 8 + 32 + 9 + (m.Points.Count * 21) + 40,
            EsriPolyline l => 8 + 32 + 9 + l.Paths.Sum(p => 9 + (p.Count * 16)) + 40,
            EsriPolygon p => 8 + 32 + 9 + p.Rings.Sum(r => 4 + (r.Count * 16)) + 40,
            _ => 64,
        };
        return bytes * 1.2;
    }
}
