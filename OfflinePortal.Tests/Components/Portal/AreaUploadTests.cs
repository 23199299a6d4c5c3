using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Components.Pages.Areas;

namespace OfflinePortal.Tests.Components.Portal;

/// <summary>Uploading an area as GeoJSON: clear messages next to the field, and nothing saved on error.</summary>
public sealed class AreaUploadTests : PortalComponentContext
{
    [Theory]
    [InlineData("""{"type":"Point","coordinates":[5,52]}""", "is a Point; an area must be a Polygon or MultiPolygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}""", "edges cross each other (self-intersection)")]
    [InlineData("""{"type":"Polygon","coordinates":[[[155000,463000],[156000,463000],[156000,464000],[155000,463000]]]}""", "not a WGS84 longitude/latitude")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", "holds no polygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "not closed")]
    [InlineData("{ this is not json", "not valid JSON")]
    [InlineData("""{"type":"Polygon","coordinates":[[[1,1],[1,1],[1,1],[1,1]]]}""", "too few distinct points")]
    public async Task Upload_InvalidGeoJson_ShowsMessageAndSavesNothing(string content, string expected)
    {
        SignIn(PortalRoles.Supervisor);
        var cut = Render<AreaEditPage>();
        cut.Find("input#area-name, #area-name input").Change("North harbour");
        cut.Find("input#area-webmap, #area-webmap input").Change("webmap-1");

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(content, "area.geojson"));

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
        Assert.Contains("area.geojson", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal);
        cut.Find("#area-save").Click();
        cut.WaitForAssertion(() => Assert.Contains("No area", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
        await using var db = await DbAsync();
        Assert.Equal(0, await db.Areas.CountAsync());
    }

    [Fact]
    public void Upload_TooLarge_IsRefusedBeforeReading()
    {
        SignIn(PortalRoles.Supervisor);
        var cut = Render<AreaEditPage>();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(new byte[1024 * 1024 + 1], "huge.geojson"));
        cut.WaitForAssertion(() => Assert.Contains("larger than 1024 KB", cut.Find("#area-geometry-error").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_FeatureCollectionOfPolygons_IsSavedAsOneGeometry()
    {
        SignIn(PortalRoles.Supervisor);
        var cut = Render<AreaEditPage>();
        cut.Find("input#area-name, #area-name input").Change("Two blocks");
        cut.Find("input#area-webmap, #area-webmap input").Change("webmap-1");
        const string collection = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5.0,52.0],[5.1,52.0],[5.1,52.1],[5.0,52.1],[5.0,52.0]]]}},
              {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5.2,52.0],[5.3,52.0],[5.3,52.1],[5.2,52.1],[5.2,52.0]]]}}]}
            """;
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(collection, "blocks.geojson"));
        cut.WaitForAssertion(() => Assert.Contains("from blocks.geojson", cut.Find("#area-geometry-ok").TextContent, StringComparison.Ordinal));
        cut.Find("#area-save").Click();

        await using var db = await DbAsync();
        var area = await db.Areas.SingleAsync();
        Assert.Equal("Two blocks", area.Name);
        Assert.StartsWith("{\"type\":\"MultiPolygon\"", area.GeoJson, StringComparison.Ordinal);
        Assert.Equal((5.0, 52.0, 5.3, 52.1), (area.MinX, area.MinY, area.MaxX, area.MaxY));
    }
}
