using Bunit;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Offline;
using OfflinePortal.Web.Components.Pages.NewJob;

namespace OfflinePortal.Tests.Components.WebMaps;

/// <summary>
/// The options form, started from the engine's real defaults for an area of the sample portal's hydrant map: messages
/// beside the fields come from the parameters' own validation, and the documented workflows set both attachment options.
/// </summary>
public sealed class OfflineOptionsFormTests(SamplePortalEngineFixture sample) : MudBunitContext, IClassFixture<SamplePortalEngineFixture>
{
    private GenerateOfflineMapParameters _parameters = null!;
    private IReadOnlyList<ScaleLevel> _levels = [];

    private async Task<IRenderedComponent<OfflineOptionsForm>> RenderAsync(Func<GenerateOfflineMapParameters, GenerateOfflineMapParameters>? start = null)
    {
        var task = await sample.OpenAsync(SampleItemIds.HydrantMaintenanceMap);
        _parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.BlockPolygon);
        _parameters = start?.Invoke(_parameters) ?? _parameters;
        _levels = MapScales.Levels(OfflineMapService.TileLayers(task).Select(t => t.TileInfo));
        IRenderedComponent<OfflineOptionsForm>? cut = null;
        cut = Render<OfflineOptionsForm>(p => p
            .Add(x => x.Parameters, _parameters)
            .Add(x => x.ScaleLevels, _levels)
            .Add(x => x.ParametersChanged, changed =>
            {
                _parameters = changed;
                cut!.Render(q => q.Add(x => x.Parameters, changed));
            }));
        return cut;
    }

    [Fact]
    public async Task Defaults_FromTheAuthorsSettings_ShowNoMessage()
    {
        var cut = await RenderAsync();
        Assert.Empty(cut.FindAll(".field-error"));
        Assert.Equal("Hydrant Maintenance", Find(cut, "item-title").GetAttribute("value"));
        Assert.NotEmpty(_levels);
    }

    [Fact]
    public async Task ImpossibleScaleRange_ShowsTheMessageByTheScaleField()
    {
        var cut = await RenderAsync();
        var zoomedIn = _levels[^2];
        var zoomedOut = _levels[3];
        cut.Find($"tr[data-level='{zoomedIn.Level}'] input.scale-min").Change(true);
        cut.Find($"tr[data-level='{zoomedOut.Level}'] input.scale-max").Change(true);

        var message = cut.Find("#scale-range-error").TextContent;
        Assert.Contains("must be at least the maximum scale", message, StringComparison.Ordinal);
        Assert.Equal(_parameters.Validate(), [message]);
        Assert.Empty(cut.FindAll("#attachments-error"));
    }

    [Fact]
    public async Task InvalidAttachmentsCombination_ShowsTheMessageByTheAttachmentsField()
    {
        var cut = await RenderAsync();
        cut.Find("[data-workflow='Custom'] input").Click();
        Assert.NotNull(cut.Find("#attachments-custom"));
        Click(cut, "#attachment-option", "All layers");
        Click(cut, "#attachment-direction", "Not at all");

        Assert.Equal((ReturnLayerAttachmentOption.AllLayers, AttachmentSyncDirection.None), (_parameters.ReturnLayerAttachmentOption, _parameters.AttachmentSyncDirection));
        Assert.Contains("must sync", cut.Find("#attachments-error").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("#scale-range-error"));

        Click(cut, "#attachment-direction", "Upload new ones");
        Assert.Empty(cut.FindAll("#attachments-error"));
    }

    [Theory]
    [InlineData(AttachmentWorkflow.AllLayersBidirectional, ReturnLayerAttachmentOption.AllLayers, AttachmentSyncDirection.Bidirectional)]
    [InlineData(AttachmentWorkflow.ReadOnlyLayersBidirectional, ReturnLayerAttachmentOption.ReadOnlyLayers, AttachmentSyncDirection.Bidirectional)]
    [InlineData(AttachmentWorkflow.EditableLayersBidirectional, ReturnLayerAttachmentOption.EditableLayers, AttachmentSyncDirection.Bidirectional)]
    [InlineData(AttachmentWorkflow.NoneUpload, ReturnLayerAttachmentOption.None, AttachmentSyncDirection.Upload)]
    public async Task EachDocumentedWorkflow_SetsBothAttachmentOptions(AttachmentWorkflow workflow, ReturnLayerAttachmentOption option, AttachmentSyncDirection direction)
    {
        // Start from a pair no workflow has, so that every workflow must change both options.
        var cut = await RenderAsync(p => p with { ReturnLayerAttachmentOption = ReturnLayerAttachmentOption.ReadOnlyLayers, AttachmentSyncDirection = AttachmentSyncDirection.Upload });
        Assert.True(cut.Find("[data-workflow='Custom'] input").HasAttribute("checked"));

        cut.Find($"[data-workflow='{workflow}'] input").Click();

        Assert.Equal((option, direction), (_parameters.ReturnLayerAttachmentOption, _parameters.AttachmentSyncDirection));
        Assert.True(cut.Find($"[data-workflow='{workflow}'] input").HasAttribute("checked"));
        Assert.Empty(cut.FindAll(".field-error"));
    }

    [Fact]
    public async Task NoUpdates_TurnsAttachmentSyncOff_AndSyncRestoresIt()
    {
        var cut = await RenderAsync();
        Click(cut, "#option-updates", "No updates");
        Assert.Equal((GenerateOfflineMapUpdateMode.NoUpdates, AttachmentSyncDirection.None), (_parameters.UpdateMode, _parameters.AttachmentSyncDirection));
        Assert.Empty(cut.FindAll(".field-error"));
        Click(cut, "#option-updates", "Sync with the feature services");
        Assert.Equal((GenerateOfflineMapUpdateMode.SyncWithFeatureServices, AttachmentSyncDirection.Bidirectional), (_parameters.UpdateMode, _parameters.AttachmentSyncDirection));
    }

    [Fact]
    public async Task Basemap_TilePackageOnTheDevice_AsksForFolderAndFile()
    {
        var cut = await RenderAsync();
        Click(cut, "#option-basemap", "Use a tile package already on the device");
        Assert.Equal(BasemapChoice.UseTilePackageOnDevice, OfflineParameterChoices.Basemap(_parameters));
        Assert.Equal(("AshlandBasemap.tpkx", "."), (_parameters.ReferenceBasemapFilename, _parameters.ReferenceBasemapDirectory));
        Find(cut, "basemap-directory").Change("/sdcard/basemaps");
        Find(cut, "basemap-filename").Change("../escape.tpkx");
        Assert.Contains("plain file name", cut.Find("#basemap-error").TextContent, StringComparison.Ordinal);
        Find(cut, "basemap-filename").Change("Ashland.tpkx");
        Assert.Empty(cut.FindAll("#basemap-error"));
        Assert.Equal(("/sdcard/basemaps", "Ashland.tpkx", true), (_parameters.ReferenceBasemapDirectory, _parameters.ReferenceBasemapFilename, _parameters.UsesReferenceBasemap));

        Click(cut, "#option-basemap", "Leave it out");
        Assert.False(_parameters.IncludeBasemap);
    }

    [Fact]
    public async Task OtherOptions_ReachTheParameters()
    {
        var cut = await RenderAsync();
        Click(cut, "#option-online", "Keep them as online layers");
        Click(cut, "#option-related", "All rows");
        Find(cut, "option-definition-filter").Change(false);
        Find(cut, "option-continue").Change(false);
        Find(cut, "option-schema-only").Change(true);
        Find(cut, "item-title").Change("Crew 7, north");
        Find(cut, "item-tags").Change("north, crew 7");
        Assert.Equal(GenerateOfflineMapOnlineOnlyServicesOption.Include, _parameters.OnlineOnlyServicesOption);
        Assert.Equal(DestinationTableRowFilter.All, _parameters.DestinationTableRowFilter);
        Assert.False(_parameters.IsDefinitionExpressionFilterEnabled);
        Assert.False(_parameters.ContinueOnErrors);
        Assert.True(_parameters.ReturnSchemaOnlyForEditableLayers);
        Assert.Equal("Crew 7, north", _parameters.ItemInfo!.Title);
        Assert.Equal(["north", "crew 7"], _parameters.ItemInfo.Tags);

        Find(cut, "item-title").Change(new string('x', 260));
        Assert.Contains("at most 250 characters", cut.Find("#item-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thumbnail_ThatIsNotAPicture_IsRefusedBesideTheField_AndAPngIsTaken()
    {
        var cut = await RenderAsync(p => p with { ItemInfo = p.ItemInfo! with { Thumbnail = null } });
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromText("not a picture at all", "thumb.png"));
        cut.WaitForAssertion(() => Assert.Contains("thumb.png is not a PNG or JPEG", cut.Find("#thumbnail-error").TextContent, StringComparison.Ordinal));
        Assert.Null(_parameters.ItemInfo!.Thumbnail);

        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[ItemThumbnail.MaxUploadBytes + 10], "big.png"));
        cut.WaitForAssertion(() => Assert.Contains("larger than 1024 KB", cut.Find("#thumbnail-error").TextContent, StringComparison.Ordinal));

        var png = Core.Packaging.PackageThumbnail.Render(TestAreas.BlockPolygon);
        cut.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(InputFileContent.CreateFromBinary(png, "area.png"));
        cut.WaitForAssertion(() => Assert.Equal(png, _parameters.ItemInfo!.Thumbnail));
        Assert.Empty(cut.FindAll("#thumbnail-error"));
        Assert.StartsWith("data:image/png;base64,", cut.Find("#item-thumbnail-preview").GetAttribute("src"), StringComparison.Ordinal);
    }

    /// <summary>The input of a MudBlazor field by the id given to the field (on the input itself or around it).</summary>
    private static AngleSharp.Dom.IElement Find(IRenderedComponent<OfflineOptionsForm> cut, string id) => cut.Find($"input#{id}, textarea#{id}, #{id} input");

    /// <summary>Chooses the radio labelled <paramref name="label"/> inside the group <paramref name="group"/>.</summary>
    private static void Click(IRenderedComponent<OfflineOptionsForm> cut, string group, string label)
    {
        var radio = cut.FindAll($"{group} label").First(l => l.TextContent.Contains(label, StringComparison.Ordinal));
        radio.QuerySelector("input")!.Click();
    }
}
