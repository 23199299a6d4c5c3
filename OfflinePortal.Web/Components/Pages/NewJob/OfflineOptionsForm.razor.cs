using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Web.Components.Pages.NewJob;

/// <summary>
/// Every option of <see cref="GenerateOfflineMapParameters"/> in words a supervisor understands. The form holds no rule of
/// its own: choices map to parameters through <see cref="OfflineParameterChoices"/>, and the messages beside each field
/// come from <see cref="GenerateOfflineMapParameters.Validate"/> (through <see cref="OfflineParameterChoices.ValidateByField"/>).
/// </summary>
public sealed partial class OfflineOptionsForm
{
    private string? _thumbnailError;
    private bool _showCustom;

    [Parameter, EditorRequired]
    public required GenerateOfflineMapParameters Parameters { get; set; }

    [Parameter]
    public EventCallback<GenerateOfflineMapParameters> ParametersChanged { get; set; }

    /// <summary>The levels of the map's tiled layers, to pick the scale range on.</summary>
    [Parameter]
    public IReadOnlyList<ScaleLevel> ScaleLevels { get; set; } = [];

    [Parameter]
    public bool ReadOnly { get; set; }

    private IReadOnlyDictionary<OfflineOptionField, IReadOnlyList<string>> Errors => OfflineParameterChoices.ValidateByField(Parameters);

    private BasemapChoice Basemap => OfflineParameterChoices.Basemap(Parameters);

    private AttachmentWorkflow Workflow => _showCustom ? AttachmentWorkflow.Custom : OfflineParameterChoices.Workflow(Parameters);

    private OfflineMapItemInfo Item => Parameters.ItemInfo ?? new OfflineMapItemInfo();

    private string? Error(OfflineOptionField field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private Task ChangeAsync(Func<GenerateOfflineMapParameters, GenerateOfflineMapParameters> change) => ParametersChanged.InvokeAsync(change(Parameters));

    private Task ChangeItemAsync(Func<OfflineMapItemInfo, OfflineMapItemInfo> change) => ChangeAsync(p => p with { ItemInfo = change(Item) });

    private Task SetBasemapAsync(BasemapChoice choice) => ChangeAsync(p => OfflineParameterChoices.WithBasemap(p, choice));

    private Task SetUpdateModeAsync(GenerateOfflineMapUpdateMode mode) => ChangeAsync(p => OfflineParameterChoices.WithUpdateMode(p, mode));

    private Task SetWorkflowAsync(AttachmentWorkflow workflow)
    {
        // "Custom" keeps the current pair and opens the two choices; a documented workflow sets both.
        _showCustom = workflow == AttachmentWorkflow.Custom;
        return ChangeAsync(p => OfflineParameterChoices.WithWorkflow(p, workflow));
    }

    private async Task UploadThumbnailAsync(InputFileChangeEventArgs e)
    {
        _thumbnailError = null;
        var file = e.File;
        if (file.Size > ItemThumbnail.MaxUploadBytes)
        {
            _thumbnailError = ItemThumbnail.Validate(new byte[ItemThumbnail.MaxUploadBytes + 1], file.Name);
            return;
        }
        using var buffer = new MemoryStream();
        await using (var stream = file.OpenReadStream(ItemThumbnail.MaxUploadBytes))
        {
            await stream.CopyToAsync(buffer);
        }
        var bytes = buffer.ToArray();
        if (ItemThumbnail.Validate(bytes, file.Name) is { } error)
        {
            _thumbnailError = error; // the previous thumbnail stays
            return;
        }
        await ChangeItemAsync(i => i with { Thumbnail = bytes });
    }

    private static string ThumbnailDataUrl(byte[] bytes) =>
        $"data:{ItemThumbnail.SniffContentType(bytes) ?? "image/png"};base64,{Convert.ToBase64String(bytes)}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
