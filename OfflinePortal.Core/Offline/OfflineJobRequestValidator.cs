using System.Text.Json;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Geometry;
using OfflinePortal.Core.Jobs;

namespace OfflinePortal.Core.Offline;

/// <summary>
/// The offline engine's checks of a job before it is queued, without the network: the area is a usable area of
/// interest within the size limit, the parameters and overrides JSON can be read, and the options pass
/// <see cref="GenerateOfflineMapParameters.Validate"/> (placed by field) and the thumbnail rules. Tile limits need the
/// services and are checked by the estimate on the new-job page, and again by the job before it downloads anything.
/// </summary>
public sealed class OfflineJobRequestValidator(IOptions<OfflineMapOptions> options) : IJobRequestValidator
{
    public const string AreaField = "area";
    public const string ParametersField = nameof(CreateJobRequest.ParametersJson);
    public const string OverridesField = nameof(CreateJobRequest.OverridesJson);

    public IReadOnlyDictionary<string, string[]> Validate(string areaGeoJson, string? parametersJson, string? overridesJson)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ArcGis.Model.EsriGeometry? area = null;
        try
        {
            area = OfflineMapService.AreaGeometry(areaGeoJson);
            Geometry.AreaOfInterest.Create(area, options.Value.MaxAreaSquareKilometres);
        }
        catch (AreaOfInterestException e)
        {
            area = null;
            errors[AreaField] = [e.Message];
        }
        if (!string.IsNullOrWhiteSpace(overridesJson))
        {
            try
            {
                OfflineJson.DeserializeOverrides(overridesJson);
            }
            catch (ArgumentException e)
            {
                errors[OverridesField] = [e.Message];
            }
        }
        if (area is null || OfflineMapJobRunner.IsEmptyObject(parametersJson))
        {
            // Without a usable area the options cannot be read as parameters; no options means the author's defaults.
            return errors;
        }
        GenerateOfflineMapParameters parameters;
        try
        {
            parameters = OfflineJson.DeserializeParameters(OfflineMapJobRunner.WithArea(parametersJson!, area));
        }
        catch (ArgumentException e)
        {
            errors[ParametersField] = [e.Message];
            return errors;
        }
        foreach (var (field, messages) in ValidateOptions(parameters))
        {
            errors[field] = messages;
        }
        return errors;
    }

    /// <summary>The options' problems by field (the names of <see cref="OfflineOptionField"/>), thumbnail rules included.</summary>
    public static IReadOnlyDictionary<string, string[]> ValidateOptions(GenerateOfflineMapParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = OfflineParameterChoices.ValidateByField(parameters).ToDictionary(e => e.Key.ToString(), e => e.Value.ToArray(), StringComparer.Ordinal);
        if (parameters.ItemInfo?.Thumbnail is { } thumbnail && ItemThumbnail.Validate(thumbnail) is { } thumbnailError)
        {
            var key = nameof(OfflineOptionField.ItemInfo);
            errors[key] = [.. errors.GetValueOrDefault(key) ?? [], thumbnailError];
        }
        return errors;
    }
}
