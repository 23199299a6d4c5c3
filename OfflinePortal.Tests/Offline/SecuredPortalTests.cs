using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.Offline;
using OfflinePortal.SamplePortal;
using OfflinePortal.SamplePortal.Portal;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.Offline;

/// <summary>
/// A sample portal with token security, and a second, open portal whose web map uses the secured portal's services.
/// </summary>
public sealed class SecuredPortalsFixture : IAsyncLifetime
{
    public const string User = "crew";
    public const string Password = "s3cret-pass";
    public const string ForeignServicesMap = "f0f1f2f3f4f5460f8a9b0c1d2e3f4a5c";

    private readonly string _items = TestPaths.NewTempDirectory("offline-secured-items");

    public SamplePortalServer Secured { get; private set; } = null!;

    public SamplePortalServer Open { get; private set; } = null!;

    public OfflineEngine Engine { get; private set; } = null!;

    /// <summary>Every token the engine has sent (recorded on its way out by <see cref="TokenRecorder"/>).</summary>
    public ConcurrentDictionary<string, byte> SentTokens { get; } = new(StringComparer.Ordinal);

    public SamplePortalFaults SecuredFaults => Secured.Services.GetRequiredService<SamplePortalFaults>();

    public ArcGisCredential Credential => ArcGisCredential.FromUsernamePassword(new Uri(Secured.PortalUrl), User, Password);

    public async Task InitializeAsync()
    {
        Secured = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 600;
            o.Security.Enabled = true;
            o.Security.Users.Add(new SamplePortalUser { Username = User, Password = Password });
        });
        ExtraWebMaps.Write(_items, ForeignServicesMap, "Secured services", ExtraWebMaps.Map(new JsonArray(
            ExtraWebMaps.FeatureLayer("Secured_hydrants", "Secured hydrants", Secured.ServicesUrl + "/WaterNetwork/FeatureServer/0"))));
        Open = await SamplePortalServer.StartAsync(o =>
        {
            o.HydrantCount = 100;
            o.ItemsDirectory = _items;
        });
        Engine = OfflineEngine.Create(services: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new TokenRecorder(SentTokens))));
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Open.DisposeAsync();
        await Secured.DisposeAsync();
        TestPaths.DeleteQuietly(_items);
    }
}

/// <summary>Records the tokens a client sends (the <c>X-Esri-Authorization</c> header and a <c>token</c> query parameter), so tests can look for them.</summary>
public sealed class TokenRecorder(ConcurrentDictionary<string, byte> tokens) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues("X-Esri-Authorization", out var values))
        {
            foreach (var value in values)
            {
                tokens.TryAdd(value.StartsWith("Bearer ", StringComparison.Ordinal) ? value["Bearer ".Length..] : value, 0);
            }
        }
        foreach (var pair in (request.RequestUri?.Query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("token=", StringComparison.OrdinalIgnoreCase))
            {
                tokens.TryAdd(Uri.UnescapeDataString(pair["token=".Length..]), 0);
            }
        }
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Token security: refused access reported clearly, a token expiring mid-job renewed without harm and never written
/// anywhere, and a service refusing the token (499, or a 498 whose renewal fails) failing only its own layer.
/// </summary>
public sealed class SecuredPortalTests(SecuredPortalsFixture fixture) : IClassFixture<SecuredPortalsFixture>, IDisposable
{
    public void Dispose() => fixture.SecuredFaults.Reset();

    private async Task<(OfflineMapTask Task, GenerateOfflineMapParameters Parameters)> SecuredHydrantsAsync(bool basemap)
    {
        var task = await fixture.Engine.Factory.CreateAsync(new Uri(fixture.Secured.PortalUrl), SampleItemIds.HydrantMaintenanceMap, fixture.Credential);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        return (task, parameters with { IncludeBasemap = basemap });
    }

    /// <summary>No byte of any file of the package, no job message and no engine log line holds a token or the password.</summary>
    private void AssertNoSecrets(string package, IEnumerable<JobMessage> messages)
    {
        var secrets = fixture.SentTokens.Keys.Append(SecuredPortalsFixture.Password).ToList();
        var files = Directory.EnumerateFiles(package, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => f.EndsWith(".gpkg", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
            {
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0, $"{Path.GetRelativePath(package, file)} holds a secret ({secret[..4]}…).");
                Assert.False(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) >= 0, $"{Path.GetRelativePath(package, file)} holds a secret in UTF-16 ({secret[..4]}…).");
            }
        }
        var lines = messages.Select(m => m.Text)
            .Concat(fixture.Engine.Logs.Lines.Select(l => l.Message + " " + l.Exception))
            .ToList();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task OpenTask_SecuredItemWithoutCredential_RefusedWithClearMessage()
    {
        var error = await Assert.ThrowsAsync<OfflineMapTaskException>(() =>
            fixture.Engine.Factory.CreateAsync(new Uri(fixture.Secured.PortalUrl), SampleItemIds.HydrantMaintenanceMap));

        Assert.Contains("refused to show item", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sign in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capabilities_ServiceNeedsSignIn_ReportedAsErrorWithRemedy()
    {
        var task = await fixture.Engine.Factory.CreateAsync(new Uri(fixture.Open.PortalUrl), SecuredPortalsFixture.ForeignServicesMap);

        var capabilities = await task.GetOfflineMapCapabilitiesAsync();

        var hydrants = Assert.Single(capabilities.LayerCapabilities);
        Assert.Equal(OfflineCapabilityStatus.Error, hydrants.Status);
        Assert.Contains("needs a signed-in user", hydrants.Reason, StringComparison.Ordinal);
        Assert.Contains("Sign in", hydrants.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenExpiresMidJob_RenewedPackageCompleteAndNoTokenOrPasswordInIt()
    {
        using var folder = new PackageFolder("token");
        var faults = fixture.SecuredFaults;
        var (task, parameters) = await SecuredHydrantsAsync(basemap: true);
        var expired = 0;
        var messages = new List<JobMessage>();
        var tokensBefore = fixture.SentTokens.Count;

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunCheckedAsync(
            new Callback<GenerateOfflineMapProgress>(p =>
            {
                if (p.Layers.Any(l => l.Step?.StartsWith("creating replica (", StringComparison.Ordinal) == true) && Interlocked.Exchange(ref expired, 1) == 0)
                {
                    faults.ExpireAllTokens();
                }
            }),
            new Callback<JobMessage>(m => { lock (messages) { messages.Add(m); } }));

        Assert.Equal(1, expired);
        Assert.False(result.HasErrors, string.Join("; ", result.LayerErrors.Values.Select(e => e.Message)));
        Assert.Contains(messages, m => m.Text.Contains("rejected (498)", StringComparison.Ordinal));
        PackageChecks.AllGeoPackagesValid(folder.Path);
        Assert.True(PackageChecks.Scalar(folder.Data("WaterNetwork.gpkg"), "SELECT count(*) FROM Hydrants__ATTACH") > 0);
        Assert.DoesNotContain("token=", await File.ReadAllTextAsync(Path.Combine(folder.Path, "package.json")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("token=", await File.ReadAllTextAsync(Path.Combine(folder.Path, "map.json")), StringComparison.OrdinalIgnoreCase);
        // The expired token and its renewal were both sent: neither (nor the password) may be anywhere.
        Assert.True(fixture.SentTokens.Count >= tokensBefore + 1 && fixture.SentTokens.Count >= 2, $"{fixture.SentTokens.Count} tokens recorded");
        AssertNoSecrets(folder.Path, messages.Concat(result.Messages));
    }

    [Fact]
    public async Task ServiceAnswers499_OnlyItsLayerFailsWithClearReasonOthersFinish()
    {
        using var folder = new PackageFolder("token-499");
        var faults = fixture.SecuredFaults;
        var (task, parameters) = await SecuredHydrantsAsync(basemap: false);
        // Every request to one service is refused as if no token had come with it; the other service is left alone.
        faults.ErrorStatusCode = 499;
        faults.ErrorRate = 1;
        faults.ErrorPathContains = "/PressureZones/FeatureServer";

        var result = await task.GenerateOfflineMap(parameters with { ContinueOnErrors = true }, folder.Path).RunCheckedAsync();

        Assert.Equal(["PressureZones_0"], result.LayerErrors.Keys);
        Assert.Empty(result.TableErrors);
        var reason = result.LayerErrors["PressureZones_0"].Message;
        Assert.Contains("499", reason, StringComparison.Ordinal);
        Assert.Contains("needs a signed-in user or a token", reason, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.Data("PressureZones.gpkg")));
        var water = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.All(new[] { "Hydrants", "Valves", "Mains" }, l => Assert.True(water[l] > 0, l));
        using var manifest = PackageChecks.Manifest(folder.Path);
        Assert.Equal("failed", PackageChecks.ManifestLayer(manifest, "PressureZones_0").GetProperty("status").GetString());
        Assert.Equal(water["Hydrants"], PackageChecks.ManifestLayer(manifest, "Hydrants_0").GetProperty("featureCount").GetInt64());
        AssertNoSecrets(folder.Path, result.Messages);
    }

    [Fact]
    public async Task TokenRenewalFails_OnlyTheLayerThatNeededItFailsOthersFinish()
    {
        using var folder = new PackageFolder("token-renewal");
        var faults = fixture.SecuredFaults;
        var (task, parameters) = await SecuredHydrantsAsync(basemap: false);
        // One service rejects the token (498), and the portal then refuses to issue a new one: the renewal fails.
        faults.ErrorStatusCode = 498;
        faults.ErrorRate = 1;
        faults.ErrorPathContains = "/PressureZones/FeatureServer";
        faults.FailNext(1_000, "/generateToken");

        var result = await task.GenerateOfflineMap(parameters with { ContinueOnErrors = true }, folder.Path).RunCheckedAsync();

        Assert.Equal(["PressureZones_0"], result.LayerErrors.Keys);
        var reason = result.LayerErrors["PressureZones_0"].Message;
        Assert.Contains("498", reason, StringComparison.Ordinal);
        Assert.Contains("Signing in", reason, StringComparison.Ordinal);
        Assert.True(faults.PendingBurstFailures < 1_000, "the engine never tried to renew the token");
        Assert.False(File.Exists(folder.Data("PressureZones.gpkg")));
        var water = PackageChecks.OgrCounts(folder.Data("WaterNetwork.gpkg"));
        Assert.All(new[] { "Hydrants", "Valves", "Mains" }, l => Assert.True(water[l] > 0, l));
        AssertNoSecrets(folder.Path, result.Messages);
    }
}
