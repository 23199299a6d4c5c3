namespace OfflinePortal.Core.Jobs;

/// <summary>
/// Checks a job's stored options before it is queued, whichever way it was asked for (the new-job page, the API, "run
/// again"), so that a job that could never run is refused at once with messages by field instead of failing later.
/// The offline engine provides it; checks here must not need the network.
/// </summary>
public interface IJobRequestValidator
{
    /// <summary>Problems by field (empty when the request is usable).</summary>
    IReadOnlyDictionary<string, string[]> Validate(string areaGeoJson, string? parametersJson, string? overridesJson);
}
