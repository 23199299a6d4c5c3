using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OfflinePortal.Core.Areas;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>Who may do what: anonymous callers get nothing, auditors only read, admin pages need the Admin role.</summary>
public sealed class PortalAuthorizationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    public static TheoryData<string> Pages => new()
    {
        "/", "/jobs", "/audit", "/areas", "/areas/new", "/crews", "/api-keys", "/admin/users", "/admin/connection", "/admin/retention",
        "/jobs/" + Guid.NewGuid(), "/no-such-page",
    };

    public static TheoryData<string, string> MachineEndpoints => new()
    {
        { "GET", "/api/v1/jobs" },
        { "GET", "/api/v1/jobs/export.csv" },
        { "GET", $"/api/v1/jobs/{Guid.NewGuid()}" },
        { "GET", $"/api/v1/jobs/{Guid.NewGuid()}/package" },
        { "GET", $"/api/v1/jobs/{Guid.NewGuid()}/log" },
        { "POST", "/api/v1/jobs" },
        { "POST", $"/api/v1/jobs/{Guid.NewGuid()}/cancel" },
        { "GET", "/api/v1/areas" },
        { "POST", "/api/v1/areas" },
        { "GET", "/api/v1/crews" },
        { "GET", "/openapi/v1.json" },
        { "POST", "/hubs/jobs/negotiate?negotiateVersion=1" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_Anonymous_RedirectsToSignIn(string path)
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MachineEndpoints))]
    public async Task ApiHubAndDownloads_Anonymous_Get401(string method, string path)
    {
        using var client = factory.AnonymousClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent.Create(new { }) : null });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_RevokedOrWrongKey_Gets401()
    {
        using var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "opk_000000000000_not-a-real-secret");
        using var response = await client.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignInPage_Anonymous_IsServed()
    {
        using var client = factory.AnonymousClient();
        using var response = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("login-email", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_Anonymous_CannotConnect()
    {
        var server = factory.Server;
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/jobs"), o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => server.CreateHandler();
        }).Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Auditor_ReadsButCannotStartCancelRetryOrCreateAreas()
    {
        using var supervisor = await factory.ApiClientAsync(PortalRoles.Supervisor);
        using var auditor = await factory.ApiClientAsync(PortalRoles.Auditor);
        var area = await PortalTestData.CreateAreaAsync(supervisor, "Auditor test area");

        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/areas")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/areas/{area.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/areas", new AreaInput("x", "m", null, null, PortalTestData.SquareGeoJson))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PutAsJsonAsync($"/api/v1/areas/{area.Id}", new AreaInput("x", "m", null, null, PortalTestData.SquareGeoJson))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.DeleteAsync($"/api/v1/areas/{area.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/crews", new { name = "x" })).StatusCode);

        var created = await supervisor.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = await created.Content.ReadFromJsonAsync<Web.Endpoints.JobsEndpoints.JobResponse>();
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"/api/v1/jobs/{job!.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"/api/v1/jobs/{job.Id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/jobs/{job.Id}")).StatusCode);
        var cancel = await supervisor.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null);
        Assert.True(cancel.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"cancel answered {cancel.StatusCode}");
    }

    [Theory]
    [InlineData(PortalRoles.Auditor, "/admin/users", false)]
    [InlineData(PortalRoles.Supervisor, "/admin/users", false)]
    [InlineData(PortalRoles.Supervisor, "/admin/connection", false)]
    [InlineData(PortalRoles.Auditor, "/admin/retention", false)]
    [InlineData(PortalRoles.Admin, "/admin/users", true)]
    [InlineData(PortalRoles.Admin, "/admin/connection", true)]
    [InlineData(PortalRoles.Auditor, "/audit", true)]
    [InlineData(PortalRoles.Auditor, "/jobs", true)]
    [InlineData(PortalRoles.Supervisor, "/areas/new", true)]
    [InlineData(PortalRoles.Admin, "/admin/retention", true)]
    [InlineData(PortalRoles.Admin, "/api-keys", true)]
    [InlineData(PortalRoles.Auditor, "/api-keys", true)]
    [InlineData(PortalRoles.Auditor, "/crews", true)]
    [InlineData(PortalRoles.Auditor, "/areas", true)]
    [InlineData(PortalRoles.Supervisor, "/", true)]
    public async Task Page_SignedIn_OnlyWithTheRightRole(string role, string path, bool allowed)
    {
        using var client = await factory.SignedInClientAsync(role);
        using var response = await client.GetAsync(path);
        if (allowed)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }
}
