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
        Engine = OfflineEngine.Create();
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Open.DisposeAsync();
        await Secured.DisposeAsync();
        TestPaths.DeleteQuietly(_items);
    }
}

/// <summary>Token security: refused access reported clearly, and a token expiring mid-job renewed without harm.</summary>
public sealed class SecuredPortalTests(SecuredPortalsFixture fixture) : IClassFixture<SecuredPortalsFixture>
{
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
    public async Task TokenExpiresMidJob_RenewedAndPackageComplete()
    {
        using var folder = new PackageFolder("token");
        var faults = fixture.Secured.Services.GetRequiredService<SamplePortalFaults>();
        var task = await fixture.Engine.Factory.CreateAsync(new Uri(fixture.Secured.PortalUrl), SampleItemIds.HydrantMaintenanceMap, fixture.Credential);
        var parameters = await task.CreateDefaultGenerateOfflineMapParametersAsync(TestAreas.Block, TestAreas.MinScale, TestAreas.MaxScale);
        var expired = 0;
        var messages = new List<JobMessage>();

        var result = await task.GenerateOfflineMap(parameters, folder.Path).RunAsync(
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
    }
}
