using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Tests.Infrastructure;
using OfflinePortal.Tests.Integration.WebMaps;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>The portal on a real port with the real offline engine (not the scripted executor), reading the mounted sample portal.</summary>
public sealed class EngineApiFixture : WebMapsPortalFixture
{
    /// <summary>The sample's normal tile limit: the block from town to neighbourhood level is well within it.</summary>
    public override int MaxExportTilesCount => 100_000;

    protected override void Configure(PortalAppFactory factory) => factory.UseScriptedExecutor = false;
}

/// <summary>
/// The HTTP API end to end with the real engine, as a script would use it with an API key: find the web map, read its
/// capability report, estimate, create the job, wait for it, download the zip; every GeoPackage in it passes GDAL's
/// validate_gpkg with warnings as errors, and every file matches the manifest's size and SHA-256.
/// </summary>
public sealed class EngineApiTests(EngineApiFixture portal) : IClassFixture<EngineApiFixture>
{
    private const string Parameters = """{"minScale":80000,"maxScale":18000}""";

    [Fact]
    public async Task Api_SearchCapabilitiesEstimateCreateWaitDownload_WithTheEngine_GivesValidGeoPackages()
    {
        using var api = await portal.ClientAsync(PortalRoles.Supervisor);
        var map = WebMapsPortalFixture.HydrantMap;

        var search = await api.GetStringAsync("/api/v1/webmaps?text=Hydrant");
        Assert.Contains(map, search, StringComparison.Ordinal);

        using (var capabilities = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/webmaps/{map}/capabilities?format=json")))
        {
            Assert.Equal(JsonValueKind.Object, capabilities.RootElement.ValueKind);
        }

        var area = await portal.AreaAsync("Engine API block " + Guid.NewGuid().ToString("N")[..6]);
        var estimate = await api.PostAsJsonAsync($"/api/v1/webmaps/{map}/estimate", new WebMapsEndpoints.EstimateRequest(area.Id, null, Parameters, null));
        Assert.True(estimate.IsSuccessStatusCode, await estimate.Content.ReadAsStringAsync());
        using (var doc = JsonDocument.Parse(await estimate.Content.ReadAsStringAsync()))
        {
            Assert.True(doc.RootElement.GetProperty("canRun").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("featureCount").GetInt64() > 0);
        }

        var created = await api.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, map, ParametersJson: Parameters));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var job = (await created.Content.ReadFromJsonAsync<JobsEndpoints.JobResponse>())!;

        var finished = await WaitUntilFinishedAsync(api, job.Id);
        Assert.True(finished.State == JobState.Succeeded, $"{finished.State}: {finished.Error}");
        Assert.True(finished.HasPackage);
        Assert.Contains(finished.Layers, l => l.Status == LayerResultStatus.Offline);

        var folder = TestPaths.NewTempDirectory("engine-api");
        try
        {
            var zip = Path.Combine(folder, "package.zip");
            using (var download = await api.GetAsync($"/api/v1/jobs/{job.Id}/package", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.Equal("application/zip", download.Content.Headers.ContentType?.MediaType);
                await using var file = File.Create(zip);
                await download.Content.CopyToAsync(file);
            }
            var unzipped = Path.Combine(folder, "package");
            ZipFile.ExtractToDirectory(zip, unzipped);

            var geoPackages = Directory.GetFiles(unzipped, "*.gpkg", SearchOption.AllDirectories);
            Assert.NotEmpty(geoPackages);
            foreach (var gpkg in geoPackages)
            {
                GdalTools.AssertValidGeoPackage(gpkg);
            }

            // Every package.json (the package's and each part's) lists files whose size and SHA-256 are right.
            var manifests = Directory.GetFiles(unzipped, "package.json", SearchOption.AllDirectories);
            Assert.NotEmpty(manifests);
            var listed = 0;
            foreach (var manifest in manifests)
            {
                using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
                if (!doc.RootElement.TryGetProperty("files", out var files))
                {
                    continue;
                }
                foreach (var entry in files.EnumerateArray())
                {
                    var path = Path.Combine(Path.GetDirectoryName(manifest)!, entry.GetProperty("path").GetString()!);
                    Assert.True(File.Exists(path), $"{manifest} lists {path}, which is not in the zip");
                    Assert.Equal(entry.GetProperty("bytes").GetInt64(), new FileInfo(path).Length);
                    await using var stream = File.OpenRead(path);
                    Assert.Equal(entry.GetProperty("sha256").GetString(), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)), ignoreCase: true);
                    listed++;
                }
            }
            Assert.True(listed >= geoPackages.Length, $"{listed} files listed for {geoPackages.Length} GeoPackages");
        }
        finally
        {
            TestPaths.DeleteQuietly(folder);
        }
    }

    private static async Task<JobsEndpoints.JobResponse> WaitUntilFinishedAsync(HttpClient api, Guid id)
    {
        // Generous: the real engine downloads tiles and features from the sample portal on a shared machine.
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            var job = (await api.GetFromJsonAsync<JobsEndpoints.JobResponse>($"/api/v1/jobs/{id}", cts.Token))!;
            if (job.State.IsFinished())
            {
                return job;
            }
            await Task.Delay(250, cts.Token);
        }
    }
}
