using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Tests.Integration.WebMaps;

/// <summary>Who may do what with web maps: every role reads; only Admin and Supervisor start jobs.</summary>
public sealed class WebMapsRolesTests(WebMapsPortalFixture portal) : IClassFixture<WebMapsPortalFixture>
{
    [Fact]
    public async Task Auditor_ReadsWebMapsCapabilitiesAndEstimates_ButCannotStartAJob()
    {
        var area = await portal.AreaAsync("Auditor " + Guid.NewGuid().ToString("N")[..6]);
        var auditor = await portal.ClientAsync(PortalRoles.Auditor);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/v1/webmaps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/capabilities?format=csv")).StatusCode);
        var estimate = await auditor.PostAsJsonAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/estimate",
            new Web.Endpoints.WebMapsEndpoints.EstimateRequest(area.Id, null, """{"minScale":80000,"maxScale":18000}""", null));
        Assert.Equal(HttpStatusCode.OK, estimate.StatusCode);

        int before;
        await using (var db = await portal.Factory.Db.CreateDbContextAsync())
        {
            before = await db.Jobs.CountAsync();
        }
        var start = await auditor.PostAsJsonAsync("/api/v1/jobs", new CreateJobRequest(area.Id, WebMapsPortalFixture.HydrantMap));
        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        await using (var db = await portal.Factory.Db.CreateDbContextAsync())
        {
            Assert.Equal(before, await db.Jobs.CountAsync());
        }

        using var browser = await portal.SignedInClientAsync(PortalRoles.Auditor);
        var page = await browser.GetAsync($"/areas/{area.Id}/jobs/new");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/AccessDenied", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        foreach (var path in new[] { "/webmaps", $"/webmaps/{WebMapsPortalFixture.HydrantMap}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path)).StatusCode);
        }
    }

    [Fact]
    public async Task Supervisor_OpensTheNewJobPage()
    {
        var area = await portal.AreaAsync("Supervisor " + Guid.NewGuid().ToString("N")[..6]);
        using var browser = await portal.SignedInClientAsync(PortalRoles.Supervisor);
        var page = await browser.GetAsync($"/areas/{area.Id}/jobs/new");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("New job for " + area.Name, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_IsSentToSignInOrGets401()
    {
        using var anonymous = portal.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/webmaps")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/webmaps/{WebMapsPortalFixture.HydrantMap}/thumbnail")).StatusCode);
        var page = await anonymous.GetAsync("/webmaps");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
