using OfflinePortal.Core.ArcGis;

namespace OfflinePortal.Core.Offline;

/// <summary>What a supervisor decided for one layer or table, beyond what the options imply.</summary>
public enum LayerDisposition
{
    /// <summary>As the options imply.</summary>
    Default,

    /// <summary>Kept in the offline map as an online layer, nothing downloaded.</summary>
    KeepOnline,

    /// <summary>Left out of the offline map.</summary>
    Omit,
}

/// <summary>Changes to one feature layer's replica options (null: as the options imply).</summary>
public sealed record LayerOptionEdit
{
    public string? WhereClause { get; init; }

    public GenerateLayerQueryOption? QueryOption { get; init; }

    public bool? IncludeRelated { get; init; }

    public bool? UseGeometry { get; init; }

    public bool? IncludeFeaturesWithNullGeometry { get; init; }
}

/// <summary>
/// The per-layer changes a supervisor made in the overrides table, kept apart from the overrides themselves: when an
/// option changes (a scale, the attachments), the overrides are made again from the new parameters and these changes
/// are applied on top, so nothing typed into the table is lost and nothing stale is kept.
/// </summary>
public sealed record OfflineOverrideEdits
{
    /// <summary>Feature layer options by (feature service URL, service layer id).</summary>
    public IReadOnlyDictionary<(string ServiceUrl, int LayerId), LayerOptionEdit> LayerOptions { get; init; } =
        new Dictionary<(string, int), LayerOptionEdit>();

    /// <summary>Chosen levels of tiled layers, by web map layer id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> TileLevels { get; init; } = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);

    /// <summary>Most detailed level of vector tile layers, by web map layer id.</summary>
    public IReadOnlyDictionary<string, int> VectorMaxLevels { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Layers and tables kept online or left out, by web map layer id.</summary>
    public IReadOnlyDictionary<string, LayerDisposition> Dispositions { get; init; } = new Dictionary<string, LayerDisposition>(StringComparer.Ordinal);

    public static OfflineOverrideEdits None { get; } = new();

    public bool IsEmpty => LayerOptions.Count == 0 && TileLevels.Count == 0 && VectorMaxLevels.Count == 0 && Dispositions.Count == 0;

    public OfflineOverrideEdits WithLayerOption(string serviceUrl, int layerId, Func<LayerOptionEdit, LayerOptionEdit> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var key = (Key(serviceUrl), layerId);
        var edits = new Dictionary<(string, int), LayerOptionEdit>(LayerOptions);
        edits[key] = change(edits.GetValueOrDefault(key) ?? new LayerOptionEdit());
        return this with { LayerOptions = edits };
    }

    public OfflineOverrideEdits WithTileLevels(string layerId, IReadOnlyList<int> levels) =>
        this with { TileLevels = new Dictionary<string, IReadOnlyList<int>>(TileLevels, StringComparer.Ordinal) { [layerId] = [.. levels.Distinct().Order()] } };

    public OfflineOverrideEdits WithVectorMaxLevel(string layerId, int level) =>
        this with { VectorMaxLevels = new Dictionary<string, int>(VectorMaxLevels, StringComparer.Ordinal) { [layerId] = level } };

    public OfflineOverrideEdits WithDisposition(string layerId, LayerDisposition disposition)
    {
        var dispositions = new Dictionary<string, LayerDisposition>(Dispositions, StringComparer.Ordinal);
        if (disposition == LayerDisposition.Default)
        {
            dispositions.Remove(layerId);
        }
        else
        {
            dispositions[layerId] = disposition;
        }
        return this with { Dispositions = dispositions };
    }

    /// <summary>
    /// <paramref name="overrides"/> (made from the parameters) with these changes applied. Changes to layers the
    /// overrides no longer hold (e.g. the basemap after it was left out) are skipped. A layer kept online or left out is
    /// taken out of its feature service's replica unless another map layer still takes the same service layer offline.
    /// </summary>
    /// <param name="overrides">Fresh overrides; they are copied, not changed.</param>
    /// <param name="capabilities">The map's layers, to tell layers from tables and to find each layer's service layer.</param>
    public GenerateOfflineMapParameterOverrides Apply(GenerateOfflineMapParameterOverrides overrides, OfflineMapCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(capabilities);
        var result = Copy(overrides);
        foreach (var ((serviceUrl, layerId), edit) in LayerOptions)
        {
            if (result.GenerateGeodatabaseParameters.TryGetValue(serviceUrl, out var gdb))
            {
                result.GenerateGeodatabaseParameters[serviceUrl] = gdb with
                {
                    LayerOptions = [.. gdb.LayerOptions.Select(o => o.LayerId == layerId ? ApplyEdit(o, edit) : o)],
                };
            }
        }
        foreach (var (layerId, levels) in TileLevels)
        {
            if (result.ExportTileCacheParameters.TryGetValue(layerId, out var export))
            {
                result.ExportTileCacheParameters[layerId] = export with { LevelIds = levels };
            }
        }
        foreach (var (layerId, level) in VectorMaxLevels)
        {
            if (result.ExportVectorTilesParameters.TryGetValue(layerId, out var export))
            {
                result.ExportVectorTilesParameters[layerId] = export with { MaxLevel = level };
            }
        }
        var byId = capabilities.All.ToDictionary(c => c.Id, StringComparer.Ordinal);
        foreach (var (layerId, disposition) in Dispositions)
        {
            if (disposition == LayerDisposition.Default || !byId.TryGetValue(layerId, out var capability))
            {
                continue;
            }
            var isTable = capabilities.TableCapabilities.Contains(capability);
            result.OnlineOnlyLayers.Remove(layerId);
            result.OnlineOnlyTables.Remove(layerId);
            result.OmittedLayers.Remove(layerId);
            result.ExportTileCacheParameters.Remove(layerId);
            result.ExportVectorTilesParameters.Remove(layerId);
            if (disposition == LayerDisposition.KeepOnline)
            {
                (isTable ? result.OnlineOnlyTables : result.OnlineOnlyLayers).Add(layerId);
            }
            else
            {
                result.OmittedLayers.Add(layerId);
            }
        }
        RemoveUnusedServiceLayers(result, capabilities);
        return result;
    }

    /// <summary>A feature service layer that no map layer takes offline any more is dropped from its replica.</summary>
    private void RemoveUnusedServiceLayers(GenerateOfflineMapParameterOverrides result, OfflineMapCapabilities capabilities)
    {
        if (Dispositions.Count == 0)
        {
            return;
        }
        var stillUsed = new HashSet<(string, int)>();
        var released = new HashSet<(string, int)>();
        foreach (var capability in capabilities.All)
        {
            if (ArcGisServiceUrl.TryParse(capability.Url) is not { LayerId: { } layerId } service)
            {
                continue;
            }
            var key = (Key(service.ServiceUrl.OriginalString), layerId);
            var away = result.OmittedLayers.Contains(capability.Id) || result.OnlineOnlyLayers.Contains(capability.Id) || result.OnlineOnlyTables.Contains(capability.Id);
            (away ? released : stillUsed).Add(key);
        }
        foreach (var (serviceUrl, layerId) in released.Except(stillUsed))
        {
            var gdbKey = result.GenerateGeodatabaseParameters.Keys.FirstOrDefault(k => string.Equals(Key(k), serviceUrl, StringComparison.OrdinalIgnoreCase));
            if (gdbKey is null)
            {
                continue;
            }
            var gdb = result.GenerateGeodatabaseParameters[gdbKey];
            var remaining = gdb.LayerOptions.Where(o => o.LayerId != layerId).ToList();
            if (remaining.Count == 0)
            {
                result.GenerateGeodatabaseParameters.Remove(gdbKey);
            }
            else
            {
                result.GenerateGeodatabaseParameters[gdbKey] = gdb with { LayerOptions = remaining };
            }
        }
    }

    private static GenerateLayerOption ApplyEdit(GenerateLayerOption option, LayerOptionEdit edit) => option with
    {
        WhereClause = edit.WhereClause is null ? option.WhereClause : string.IsNullOrWhiteSpace(edit.WhereClause) ? null : edit.WhereClause.Trim(),
        QueryOption = edit.QueryOption ?? option.QueryOption,
        IncludeRelated = edit.IncludeRelated ?? option.IncludeRelated,
        UseGeometry = edit.UseGeometry ?? option.UseGeometry,
        IncludeFeaturesWithNullGeometry = edit.IncludeFeaturesWithNullGeometry ?? option.IncludeFeaturesWithNullGeometry,
    };

    /// <summary>A deep enough copy: new collections (with the same key comparers), the records themselves are immutable.</summary>
    public static GenerateOfflineMapParameterOverrides Copy(GenerateOfflineMapParameterOverrides overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var copy = new GenerateOfflineMapParameterOverrides();
        foreach (var (k, v) in overrides.GenerateGeodatabaseParameters)
        {
            copy.GenerateGeodatabaseParameters[k] = v;
        }
        foreach (var (k, v) in overrides.ExportTileCacheParameters)
        {
            copy.ExportTileCacheParameters[k] = v;
        }
        foreach (var (k, v) in overrides.ExportVectorTilesParameters)
        {
            copy.ExportVectorTilesParameters[k] = v;
        }
        copy.OnlineOnlyLayers.UnionWith(overrides.OnlineOnlyLayers);
        copy.OnlineOnlyTables.UnionWith(overrides.OnlineOnlyTables);
        copy.OmittedLayers.UnionWith(overrides.OmittedLayers);
        return copy;
    }

    private static string Key(string serviceUrl) => serviceUrl.Trim().TrimEnd('/');
}
