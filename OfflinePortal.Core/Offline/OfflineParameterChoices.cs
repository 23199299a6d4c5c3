namespace OfflinePortal.Core.Offline;

/// <summary>
/// The attachment workflows of the offline documentation, each a pair of <see cref="ReturnLayerAttachmentOption"/> and
/// <see cref="AttachmentSyncDirection"/>; <see cref="Custom"/> is any other pair.
/// </summary>
public enum AttachmentWorkflow
{
    /// <summary>Workflow 1: attachments of all layers, synchronised both ways.</summary>
    AllLayersBidirectional,

    /// <summary>Workflow 2: attachments of read-only layers, updated from the service.</summary>
    ReadOnlyLayersBidirectional,

    /// <summary>Workflow 3: attachments of editable layers only, synchronised both ways.</summary>
    EditableLayersBidirectional,

    /// <summary>Workflow 4: no attachments downloaded; new ones are uploaded.</summary>
    NoneUpload,

    /// <summary>Another combination, chosen option by option.</summary>
    Custom,
}

/// <summary>What happens to the web map's basemap.</summary>
public enum BasemapChoice
{
    /// <summary>Download the basemap with the package (the default).</summary>
    Include,

    /// <summary>Use a tile package already on the device (directory and file name).</summary>
    UseTilePackageOnDevice,

    /// <summary>Leave the basemap out.</summary>
    Exclude,
}

/// <summary>
/// The choices the new-job form offers, mapped onto <see cref="GenerateOfflineMapParameters"/> and back, so that the page
/// holds no rule of its own: a workflow sets the two attachment options, a basemap choice sets the basemap options.
/// </summary>
public static class OfflineParameterChoices
{
    /// <summary>The four documented workflows with a sentence each, in the documentation's order.</summary>
    public static IReadOnlyList<(AttachmentWorkflow Workflow, string Title, string Description)> Workflows { get; } =
    [
        (AttachmentWorkflow.AllLayersBidirectional, "All layers, sync both ways",
            "Download the attachments of every layer; crews add or remove attachments and changes sync both ways."),
        (AttachmentWorkflow.ReadOnlyLayersBidirectional, "Read-only layers, kept up to date",
            "Download the attachments of layers crews cannot edit (e.g. photos of assets); new ones arrive when they sync."),
        (AttachmentWorkflow.EditableLayersBidirectional, "Editable layers only, sync both ways",
            "Download the attachments of editable layers only; crews' changes are uploaded when they sync."),
        (AttachmentWorkflow.NoneUpload, "None downloaded, upload new ones",
            "Download no attachments; crews collect new ones in the field and upload them when they sync."),
    ];

    /// <summary>The two attachment options of a workflow; null for <see cref="AttachmentWorkflow.Custom"/>.</summary>
    public static (ReturnLayerAttachmentOption Option, AttachmentSyncDirection Direction)? Options(AttachmentWorkflow workflow) => workflow switch
    {
        AttachmentWorkflow.AllLayersBidirectional => (ReturnLayerAttachmentOption.AllLayers, AttachmentSyncDirection.Bidirectional),
        AttachmentWorkflow.ReadOnlyLayersBidirectional => (ReturnLayerAttachmentOption.ReadOnlyLayers, AttachmentSyncDirection.Bidirectional),
        AttachmentWorkflow.EditableLayersBidirectional => (ReturnLayerAttachmentOption.EditableLayers, AttachmentSyncDirection.Bidirectional),
        AttachmentWorkflow.NoneUpload => (ReturnLayerAttachmentOption.None, AttachmentSyncDirection.Upload),
        _ => null,
    };

    /// <summary>The parameters with the workflow's two attachment options (unchanged for <see cref="AttachmentWorkflow.Custom"/>).</summary>
    public static GenerateOfflineMapParameters WithWorkflow(GenerateOfflineMapParameters parameters, AttachmentWorkflow workflow)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Options(workflow) is { } o
            ? parameters with { ReturnLayerAttachmentOption = o.Option, AttachmentSyncDirection = o.Direction }
            : parameters;
    }

    /// <summary>The workflow the parameters' attachment options form, or <see cref="AttachmentWorkflow.Custom"/>.</summary>
    public static AttachmentWorkflow Workflow(GenerateOfflineMapParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (workflow, _, _) in Workflows)
        {
            if (Options(workflow) is { } o && o.Option == parameters.ReturnLayerAttachmentOption && o.Direction == parameters.AttachmentSyncDirection)
            {
                return workflow;
            }
        }
        return AttachmentWorkflow.Custom;
    }

    /// <summary>What the parameters do with the basemap.</summary>
    public static BasemapChoice Basemap(GenerateOfflineMapParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.IncludeBasemap)
        {
            return BasemapChoice.Exclude;
        }
        return !string.IsNullOrWhiteSpace(parameters.ReferenceBasemapDirectory) ? BasemapChoice.UseTilePackageOnDevice : BasemapChoice.Include;
    }

    /// <summary>The folder a tile package on the device is looked for in when none is given: the package's own folder.</summary>
    public const string DefaultReferenceBasemapDirectory = ".";

    /// <summary>
    /// The parameters with a basemap choice. Choosing the tile package keeps the file name the author set (or the one
    /// given) and the directory given (else the one set, else <see cref="DefaultReferenceBasemapDirectory"/>); the other
    /// choices clear the directory, so the package does not expect a file.
    /// </summary>
    public static GenerateOfflineMapParameters WithBasemap(GenerateOfflineMapParameters parameters, BasemapChoice choice,
        string? directory = null, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return choice switch
        {
            BasemapChoice.Exclude => parameters with { IncludeBasemap = false, ReferenceBasemapDirectory = null },
            BasemapChoice.UseTilePackageOnDevice => parameters with
            {
                IncludeBasemap = true,
                ReferenceBasemapDirectory = directory ?? parameters.ReferenceBasemapDirectory ?? DefaultReferenceBasemapDirectory,
                ReferenceBasemapFilename = fileName ?? parameters.ReferenceBasemapFilename,
            },
            _ => parameters with { IncludeBasemap = true, ReferenceBasemapDirectory = null },
        };
    }

    /// <summary>
    /// The parameters with another update mode. A package without updates cannot sync attachments, so choosing it sets
    /// attachment sync to 'none'; choosing sync again restores the direction the attachment option needs.
    /// </summary>
    public static GenerateOfflineMapParameters WithUpdateMode(GenerateOfflineMapParameters parameters, GenerateOfflineMapUpdateMode mode)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (mode == GenerateOfflineMapUpdateMode.NoUpdates)
        {
            return parameters with { UpdateMode = mode, AttachmentSyncDirection = AttachmentSyncDirection.None };
        }
        var direction = parameters.AttachmentSyncDirection == AttachmentSyncDirection.None
            ? parameters.ReturnLayerAttachmentOption == ReturnLayerAttachmentOption.None ? AttachmentSyncDirection.Upload : AttachmentSyncDirection.Bidirectional
            : parameters.AttachmentSyncDirection;
        return parameters with { UpdateMode = mode, AttachmentSyncDirection = direction };
    }

    /// <summary>
    /// The problems <see cref="GenerateOfflineMapParameters.Validate"/> finds, each placed by the option it concerns, so a
    /// form can show it next to that field. The rules stay in <see cref="GenerateOfflineMapParameters"/>: each group of
    /// options is validated on its own over otherwise default (valid) parameters, and whatever remains is "other".
    /// </summary>
    public static IReadOnlyDictionary<OfflineOptionField, IReadOnlyList<string>> ValidateByField(GenerateOfflineMapParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var neutral = new GenerateOfflineMapParameters { AreaOfInterest = parameters.AreaOfInterest };
        var result = new Dictionary<OfflineOptionField, IReadOnlyList<string>>();
        var all = parameters.Validate().ToList();
        Add(OfflineOptionField.Scale, (neutral with { MinScale = parameters.MinScale, MaxScale = parameters.MaxScale }).Validate());
        Add(OfflineOptionField.Basemap, (neutral with
        {
            IncludeBasemap = parameters.IncludeBasemap,
            ReferenceBasemapDirectory = parameters.ReferenceBasemapDirectory,
            ReferenceBasemapFilename = parameters.ReferenceBasemapFilename,
        }).Validate());
        Add(OfflineOptionField.Attachments, [.. GenerateOfflineMapParameters.ValidateAttachments(
            parameters.ReturnLayerAttachmentOption, parameters.AttachmentSyncDirection, parameters.UpdateMode)]);
        Add(OfflineOptionField.ItemInfo, (neutral with { ItemInfo = parameters.ItemInfo }).Validate());
        if (all.Count > 0)
        {
            result[OfflineOptionField.Other] = all;
        }
        return result;

        void Add(OfflineOptionField field, IReadOnlyList<string> messages)
        {
            var found = messages.Where(all.Contains).ToList();
            if (found.Count > 0)
            {
                result[field] = found;
                all.RemoveAll(found.Contains);
            }
        }
    }
}

/// <summary>The groups of options a form shows validation messages beside.</summary>
public enum OfflineOptionField
{
    Scale,
    Basemap,
    Attachments,
    ItemInfo,
    Other,
}
