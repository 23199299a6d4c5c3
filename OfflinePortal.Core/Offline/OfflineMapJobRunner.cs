using System.Text.Json;
using System.Text.Json.Nodes;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// One offline map job as the portal's job executor stores it: the web map, the area, the parameters and overrides as
/// JSON (<see cref="OfflineJson"/>), and the package folder. The credential is not stored with the job; the executor
/// supplies it when it runs the job.
/// </summary>
public sealed record OfflineMapJobRequest
{
    public required Uri PortalUrl { get; init; }

    public required string WebMapItemId { get; init; }

    /// <summary>
    /// <see cref="GenerateOfflineMapParameters"/> as <see cref="OfflineJson.Serialize(GenerateOfflineMapParameters)"/>
    /// writes them; they may leave out <c>areaOfInterest</c> when <see cref="AreaGeoJson"/> is given. Null: the web map
    /// author's defaults for the area (all scales).
    /// </summary>
    public string? ParametersJson { get; init; }

    /// <summary>Optional <see cref="GenerateOfflineMapParameterOverrides"/> as JSON; null to derive them from the parameters.</summary>
    public string? OverridesJson { get; init; }

    /// <summary>
    /// The area as GeoJSON (a geometry, feature or feature collection in WGS 84). When given it is the job's area of
    /// interest, replacing any area in the parameters: the portal's job record keeps this snapshot, so the package and
    /// the audit agree.
    /// </summary>
    public string? AreaGeoJson { get; init; }

    /// <summary>The package folder (new or empty).</summary>
    public required string PackageDirectory { get; init; }

    /// <summary>Where to build the package first (new or empty, same volume); null for a hidden sibling of the package folder.</summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>Who asked for the package (written to the manifest).</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>
/// The entry point for the portal's job executor: opens the web map, reads the parameters and overrides from JSON
/// and runs the job with the executor's progress and log sinks.
/// </summary>
public sealed class OfflineMapJobRunner(OfflineMapTaskFactory factory)
{
    /// <exception cref="OfflineMapTaskException">The web map cannot be opened.</exception>
    /// <exception cref="ArgumentException">The parameters, overrides or area cannot be read or used.</exception>
    /// <exception cref="GenerateOfflineMapException">No package could be produced; nothing was left behind.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; nothing was left behind.</exception>
    public async Task<GenerateOfflineMapResult> RunAsync(OfflineMapJobRequest request, ArcGisCredential? credential = null,
        IProgress<GenerateOfflineMapProgress>? progress = null, IProgress<JobMessage>? messages = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var area = ReadArea(request.AreaGeoJson);
        var overrides = request.OverridesJson is null ? null : OfflineJson.DeserializeOverrides(request.OverridesJson);
        var task = await factory.CreateAsync(request.PortalUrl, request.WebMapItemId, credential, cancellationToken).ConfigureAwait(false);
        GenerateOfflineMapParameters parameters;
        if (IsEmptyObject(request.ParametersJson))
        {
            parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(
                area ?? throw new ArgumentException("The job has neither parameters nor an area.", nameof(request)), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            parameters = OfflineJson.DeserializeParameters(WithArea(request.ParametersJson!, area));
        }
        var job = task.GenerateOfflineMap(parameters, request.PackageDirectory, overrides, request.CreatedBy, request.TemporaryDirectory);
        return await job.RunAsync(progress, messages, cancellationToken).ConfigureAwait(false);
    }

    private static EsriGeometry? ReadArea(string? geoJson)
    {
        if (string.IsNullOrWhiteSpace(geoJson))
        {
            return null;
        }
        try
        {
            return GeoJson.ReadGeometry(geoJson);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The job's area cannot be read: " + e.Message, nameof(geoJson), e);
        }
    }

    /// <summary>
    /// True when the JSON chooses no option (null, blank, <c>{}</c>, or only an area): the job then takes the web map
    /// author's defaults, as <see cref="OfflineMapTask.CreateDefaultGenerateOfflineMapParametersAsync"/> gives them.
    /// </summary>
    internal static bool IsEmptyObject(string? parametersJson)
    {
        if (string.IsNullOrWhiteSpace(parametersJson))
        {
            return true;
        }
        try
        {
            return JsonNode.Parse(parametersJson) is JsonObject node
                && node.All(p => string.Equals(p.Key, "areaOfInterest", StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return false; // unreadable JSON is reported where it is read
        }
    }

    /// <summary>The parameters JSON with the job's area as its area of interest (also used for estimates of an area).</summary>
    internal static string WithArea(string parametersJson, EsriGeometry? area)
    {
        if (area is null)
        {
            return parametersJson;
        }
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(parametersJson) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The offline map parameters JSON cannot be read: " + e.Message, nameof(parametersJson), e);
        }
        if (node is null)
        {
            throw new ArgumentException("The offline map parameters JSON is not an object.", nameof(parametersJson));
        }
        node["areaOfInterest"] = JsonNode.Parse(EsriJson.ToJson(area));
        return node.ToJsonString();
    }
}
