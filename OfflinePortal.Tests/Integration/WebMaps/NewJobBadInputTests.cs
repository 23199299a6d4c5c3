using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Offline;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>
/// Starting a job the way the new-job page does (<see cref="OfflineMapService.StartAsync"/>), and what each kind of bad
/// input gets: a clear message by field, and no row added anywhere.
/// </summary>
public sealed class NewJobBadInputTests(WebMapsPortalFixture portal) : IClassFixture<WebMapsPortalFixture>
{
    private OfflineMapService Offline => portal.Factory.Services.GetRequiredService<OfflineMapService>();

    private static JobActor Actor => new("tester", "Tess Tester");

    [Fact]
    public async Task Start_ValidOptions_StoresParametersAndOverridesAsJsonThatRoundTrips()
    {
        var area = await portal.AreaAsync("Round trip " + Guid.NewGuid().ToString("N")[..6]);
        var setup = (await Offline.PrepareAsync(area.Id, CancellationToken.None))!;
        var parameters = OfflineParameterChoices.WithWorkflow(setup.Defaults! with { MinScale = 80_000, MaxScale = 18_000 }, AttachmentWorkflow.NoneUpload);
        var edits = OfflineOverrideEdits.None.WithDisposition("Mains_2", LayerDisposition.Omit);
        var overrides = await Offline.CreateOverridesAsync(setup.WebMapId, parameters, edits, CancellationToken.None);

        var job = await Offline.StartAsync(new NewJobRequest(area.Id, setup.WebMapId, parameters, overrides), Actor, CancellationToken.None);

        await using var db = await portal.Factory.Db.CreateDbContextAsync();
        var stored = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == job.Id);
        Assert.Equal("Hydrant Maintenance", stored.WebMapTitle);
        var read = OfflineJson.DeserializeParameters(stored.ParametersJson);
        Assert.Equal((80_000d, 18_000d), (read.MinScale, read.MaxScale));
        Assert.Equal((ReturnLayerAttachmentOption.None, AttachmentSyncDirection.Upload), (read.ReturnLayerAttachmentOption, read.AttachmentSyncDirection));
        var readOverrides = OfflineJson.DeserializeOverrides(stored.OverridesJson!);
        Assert.Contains("Mains_2", readOverrides.OmittedLayers);
        Assert.Equal(overrides.ExportTileCacheParameters.Single().Value.LevelIds, readOverrides.ExportTileCacheParameters.Single().Value.LevelIds);

        // The jobs API takes the same JSON.
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, setup.WebMapId, null, stored.ParametersJson, stored.OverridesJson));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Start_ImpossibleScaleRange_IsRefusedByTheScaleField()
    {
        var (area, setup) = await AreaAsync();
        var error = await RefusedAsync(new NewJobRequest(area.Id, setup.WebMapId, setup.Defaults! with { MinScale = 2_000, MaxScale = 80_000 }, null));
        Assert.Contains("must be at least the maximum scale", Assert.Single(error.Errors[nameof(OfflineOptionField.Scale)]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidAttachmentsCombination_IsRefusedByTheAttachmentsField()
    {
        var (area, setup) = await AreaAsync();
        var parameters = setup.Defaults! with { ReturnLayerAttachmentOption = ReturnLayerAttachmentOption.AllLayers, AttachmentSyncDirection = AttachmentSyncDirection.None };
        var error = await RefusedAsync(new NewJobRequest(area.Id, setup.WebMapId, parameters, null));
        Assert.Contains("must sync", Assert.Single(error.Errors[nameof(OfflineOptionField.Attachments)]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not a picture")]
    [InlineData("GIF89a fake")]
    public async Task Start_ThumbnailThatIsNotAPngOrJpeg_IsRefused(string content)
    {
        var (area, setup) = await AreaAsync();
        var parameters = setup.Defaults! with { ItemInfo = setup.Defaults.ItemInfo! with { Thumbnail = Encoding.UTF8.GetBytes(content) } };
        var error = await RefusedAsync(new NewJobRequest(area.Id, setup.WebMapId, parameters, null));
        Assert.Contains("not a PNG or JPEG", string.Join(" ", error.Errors[nameof(OfflineOptionField.ItemInfo)]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ThumbnailClaimingPngButDamaged_IsRefused()
    {
        var (area, setup) = await AreaAsync();
        byte[] damaged = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8];
        var parameters = setup.Defaults! with { ItemInfo = setup.Defaults.ItemInfo! with { Thumbnail = damaged } };
        var error = await RefusedAsync(new NewJobRequest(area.Id, setup.WebMapId, parameters, null));
        Assert.Contains("cannot be read as a picture", string.Join(" ", error.Errors[nameof(OfflineOptionField.ItemInfo)]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TileLimitBroken_IsRefusedWithTheViolation()
    {
        var (area, setup) = await AreaAsync();
        var error = await RefusedAsync(new NewJobRequest(area.Id, setup.WebMapId, setup.Defaults! with { MinScale = 0, MaxScale = 1_000 }, null));
        Assert.Contains("more than its service allows", Assert.Single(error.Errors["estimate"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveArea_TooLargeForTheEnginesLimit_Is400AndAddsNoRow()
    {
        var before = await CountsAsync();
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/areas", new AreaInput("Too large", WebMapsPortalFixture.HydrantMap, null, null, LargeArea));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than the limit of 5,000 km²", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Start_AreaSavedBeforeTheLimitWasLowered_IsRefusedAndThePageSaysWhy()
    {
        // An area saved while the limit was higher: stored directly, as the save itself now refuses it.
        int areaId;
        await using (var db = await portal.Factory.Db.CreateDbContextAsync())
        {
            var stored = new Core.Persistence.Area
            {
                Name = "Too large " + Guid.NewGuid().ToString("N")[..6], WebMapId = WebMapsPortalFixture.HydrantMap, GeoJson = LargeArea,
                MinX = -123.2, MinY = 41.7, MaxX = -122.2, MaxY = 42.7, CreatedBy = "tester", UpdatedBy = "tester",
            };
            db.Areas.Add(stored);
            await db.SaveChangesAsync();
            areaId = stored.Id;
        }
        var setup = (await Offline.PrepareAsync(areaId, CancellationToken.None))!;
        Assert.Null(setup.Defaults);
        Assert.Contains("more than the limit of 5,000 km²", setup.AreaError, StringComparison.Ordinal);

        var fromBlock = (await Offline.PrepareAsync((await portal.AreaAsync("Block " + Guid.NewGuid().ToString("N")[..6])).Id, CancellationToken.None))!;
        var error = await RefusedAsync(new NewJobRequest(areaId, setup.WebMapId, fromBlock.Defaults!, null));
        Assert.Contains("more than the limit", Assert.Single(error.Errors["area"]), StringComparison.Ordinal);

        // The jobs API refuses it the same way.
        var client = await portal.ClientAsync();
        var api = await client.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(areaId, setup.WebMapId));
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("more than the limit", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>1° × 1° around the town: about 9,100 km², above the 5,000 km² limit.</summary>
    private const string LargeArea = """{"type":"Polygon","coordinates":[[[-123.2,41.7],[-122.2,41.7],[-122.2,42.7],[-123.2,42.7],[-123.2,41.7]]]}""";

    [Fact]
    public async Task Start_AreaOfAnotherWebMapOrUnknownArea_IsRefused()
    {
        var (area, setup) = await AreaAsync();
        var other = await RefusedAsync(new NewJobRequest(area.Id, SampleItemIds.ValveExercisingMap, setup.Defaults!, null));
        Assert.True(other.Errors.ContainsKey("webMapId"));
        var missing = await RefusedAsync(new NewJobRequest(987_654, setup.WebMapId, setup.Defaults!, null));
        Assert.True(missing.Errors.ContainsKey("areaId"));
        Assert.Null(await Offline.PrepareAsync(987_654, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"minScale":2000,"maxScale":80000}""", null, "Scale", "must be at least the maximum scale")]
    [InlineData("""{"returnLayerAttachmentOption":"allLayers","attachmentSyncDirection":"none"}""", null, "Attachments", "must sync")]
    [InlineData("""{"minScale": "not a number"}""", null, "ParametersJson", "")]
    [InlineData("[1,2,3]", null, "ParametersJson", "")]
    [InlineData(null, "{ not json", "OverridesJson", "")]
    public async Task JobsApi_OptionsThatCouldNeverRun_Is400ByFieldAndAddsNoJob(string? parametersJson, string? overridesJson, string field, string expected)
    {
        var (area, setup) = await AreaAsync();
        var before = await CountsAsync();
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, setup.WebMapId, null, parametersJson, overridesJson));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = System.Text.Json.JsonDocument.Parse(body);
        var messages = problem.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m)));
        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task JobsApi_NoOptionsOrOnlyAnArea_TakesTheAuthorsDefaults()
    {
        var (area, setup) = await AreaAsync();
        var client = await portal.ClientAsync();
        foreach (var parameters in new[] { null, "{}", """{"areaOfInterest":null}""" })
        {
            var response = await client.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, setup.WebMapId, null, parameters, null));
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{parameters}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[-122.72,42.18],[-122.70,42.20],[-122.70,42.18],[-122.72,42.20],[-122.72,42.18]]]}""", "self-intersection")]
    [InlineData("""{"type":"Polygon","coordinates":[[[-122.72,42.18],[-122.72,42.18],[-122.72,42.18],[-122.72,42.18]]]}""", "too few distinct points")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", "holds no polygon")]
    [InlineData("{ not json", "not valid JSON")]
    public async Task SaveArea_EmptySelfIntersectingOrMalformed_Is400AndAddsNoRow(string geoJson, string expected)
    {
        var before = await CountsAsync();
        var client = await portal.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/v1/areas", new AreaInput("Bad " + Guid.NewGuid().ToString("N")[..6], WebMapsPortalFixture.HydrantMap, null, null, geoJson));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task SaveAreaOrEstimate_OversizedGeoJson_Is400AndAddsNoRow()
    {
        var before = await CountsAsync();
        var huge = """{"type":"Polygon","coordinates":[[[-122.72,42.18],""" + string.Concat(Enumerable.Repeat("[-122.71,42.19],", 80_000)) + """[-122.72,42.18]]]}""";
        Assert.True(huge.Length > AreaValidator.MaxGeoJsonBytes);
        var client = await portal.ClientAsync();
        var save = await client.PostAsJsonAsync("/api/v1/areas", new AreaInput("Huge", WebMapsPortalFixture.HydrantMap, null, null, huge));
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        Assert.Contains("larger than 1024 KB", await save.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var estimate = await client.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate", new Web.Endpoints.WebMapsEndpoints.EstimateRequest(null, huge, null, null));
        Assert.Equal(HttpStatusCode.BadRequest, estimate.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task ForgedJobIdsAndPaths_Are404AndChangeNothing()
    {
        var before = await CountsAsync();
        var client = await portal.ClientAsync(PortalRoles.Admin);
        var random = Guid.NewGuid();
        foreach (var path in new[]
        {
            $"/api/v1/jobs/{random}", $"/api/v1/jobs/{random}/package", $"/api/v1/jobs/{random}/log",
            "/api/v1/jobs/..%2F..%2Fportal.db/package", "/api/v1/jobs/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd/package",
        })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("SQLite format", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var cancel = await client.PostAsync($"/api/v1/jobs/{random}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        var retry = await client.PostAsync($"/api/v1/jobs/{random}/retry", null);
        Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);

        using var browser = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var page = await browser.GetAsync($"/jobs/{random}");
        Assert.Contains("This job does not exist", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var newJob = await browser.GetAsync("/areas/987654/jobs/new");
        Assert.Contains("This area does not exist", await newJob.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var path in new[] { "/areas/..%2F1/jobs/new", "/webmaps/..%2F..%2Fadmin" })
        {
            var response = await browser.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound || body.Contains("not a web map id", StringComparison.Ordinal), $"{path}: {(int)response.StatusCode}");
        }
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<(Web.Endpoints.AreasEndpoints.AreaResponse Area, NewJobSetup Setup)> AreaAsync()
    {
        var area = await portal.AreaAsync("Bad input " + Guid.NewGuid().ToString("N")[..6]);
        return (area, (await Offline.PrepareAsync(area.Id, CancellationToken.None))!);
    }

    /// <summary>Expects the start to be refused, and checks that no job, log line or area was added.</summary>
    private async Task<RequestValidationException> RefusedAsync(NewJobRequest request)
    {
        var before = await CountsAsync();
        var error = await Assert.ThrowsAsync<RequestValidationException>(() => Offline.StartAsync(request, Actor, CancellationToken.None));
        Assert.All(error.Errors.Values.SelectMany(m => m), m => Assert.False(string.IsNullOrWhiteSpace(m)));
        Assert.Equal(before, await CountsAsync());
        return error;
    }

    private async Task<(int Jobs, int Log, int Areas)> CountsAsync()
    {
        await using var db = await portal.Factory.Db.CreateDbContextAsync();
        return (await db.Jobs.CountAsync(), await db.JobLogEntries.CountAsync(), await db.Areas.CountAsync());
    }
}
