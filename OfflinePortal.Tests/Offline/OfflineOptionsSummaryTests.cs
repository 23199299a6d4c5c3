using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Offline;

namespace OfflinePortal.Tests.Offline;

public sealed class OfflineOptionsSummaryTests
{
    private static readonly EsriEnvelope Area = new(-122.72, 42.18, -122.70, 42.20) { SpatialReference = SpatialReference.Wgs84 };

    private static GenerateOfflineMapParameters Parameters => new() { AreaOfInterest = Area, MinScale = 72_224, MaxScale = 18_056 };

    private static Dictionary<string, string> Describe(GenerateOfflineMapParameters parameters) =>
        OfflineOptionsSummary.Describe(OfflineJson.Serialize(parameters), Area).ToDictionary(l => l.Option, l => l.Value);

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"areaOfInterest":null}""")]
    public void Describe_NoOptionsChosen_SaysTheAuthorsDefaults(string? json)
    {
        var line = Assert.Single(OfflineOptionsSummary.Describe(json, Area));
        Assert.Contains("author's defaults", line.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Options_AreInWordsAndFollowEachChoice()
    {
        var defaults = Describe(Parameters);
        Assert.Equal("From 1:72,224 (town) to 1:18,056 (neighbourhood)", defaults["Scale range"]);
        Assert.Equal("Downloaded with the package", defaults["Basemap"]);
        Assert.Equal("Sync edits with the feature services", defaults["Updates"]);
        Assert.Equal("All layers, sync both ways", defaults["Attachments"]);
        Assert.Equal("Only rows related to features in the area", defaults["Related rows"]);

        var changed = Describe(OfflineParameterChoices.WithWorkflow(Parameters, AttachmentWorkflow.NoneUpload) with
        {
            MinScale = 0,
            IncludeBasemap = false,
            UpdateMode = GenerateOfflineMapUpdateMode.NoUpdates,
            DestinationTableRowFilter = DestinationTableRowFilter.All,
            ContinueOnErrors = false,
        });
        Assert.Equal("From the most zoomed-out level to 1:18,056 (neighbourhood)", changed["Scale range"]);
        Assert.Equal("Left out", changed["Basemap"]);
        Assert.StartsWith("No updates", changed["Updates"], StringComparison.Ordinal);
        Assert.Equal("None downloaded, upload new ones", changed["Attachments"]);
        Assert.Equal("All rows of related tables", changed["Related rows"]);
        Assert.Equal("Stop the job", changed["On errors"]);
    }

    [Fact]
    public void Describe_Thumbnail_IsItsSizeNeverItsBytes()
    {
        byte[] picture = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4];
        var json = OfflineJson.Serialize(Parameters with { ItemInfo = new OfflineMapItemInfo { Title = "North block", Thumbnail = picture } });
        var lines = OfflineOptionsSummary.Describe(json, Area);
        Assert.Contains(("Title", "North block"), lines);
        Assert.Contains(("Thumbnail", "A picture of 8 bytes"), lines);
        Assert.DoesNotContain(lines, l => l.Value.Contains(Convert.ToBase64String(picture), StringComparison.Ordinal));
    }

    [Fact]
    public void Describe_UnreadableOptions_ThrowsAnArgumentExceptionThePageShows()
    {
        Assert.ThrowsAny<ArgumentException>(() => OfflineOptionsSummary.Describe("""{"minScale":"many"}""", Area));
    }
}
