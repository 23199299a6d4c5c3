using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OfflinePortal.Tests.Integration;

/// <summary>The top-level wwwroot is the web app's web root in the test host; MudBlazor and npm libraries are served.</summary>
public sealed class WebRootTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Theory]
    [InlineData("/app.css", "text/css")]
    [InlineData("/favicon.png", "image/png")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css")]
    [InlineData("/lib/leaflet/leaflet.js", "text/javascript")]
    [InlineData("/lib/esri-leaflet/esri-leaflet.js", "text/javascript")]
    [InlineData("/lib/leaflet-geoman/leaflet-geoman.js", "text/javascript")]
    public async Task StaticAsset_IsServed(string path, string mediaType)
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
    }

    [Fact]
    public async Task TopLevelWwwroot_FileMatchesServedBytes()
    {
        using var client = factory.CreateClient();
        var served = await client.GetByteArrayAsync("/app.css");
        var onDisk = await File.ReadAllBytesAsync(Path.Combine(Infrastructure.TestPaths.RepositoryRoot, "wwwroot", "app.css"));
        Assert.Equal(onDisk, served);
    }
}
