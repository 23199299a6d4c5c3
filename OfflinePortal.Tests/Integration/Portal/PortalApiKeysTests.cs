using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Endpoints;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>API keys over <c>/api/v1/api-keys</c>: revoked keys stop at once, only the owner or an admin revokes, a locked-out user's keys stop.</summary>
public sealed class PortalApiKeysTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Api_RevokedKey_Gets401AtOnce()
    {
        using var owner = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var created = await CreateAsync(owner, "nightly export");
        using var script = WithKey(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/jobs")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/api-keys/{created.Info.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/jobs")).StatusCode);
        var listed = (await owner.GetFromJsonAsync<List<ApiKeyInfo>>("/api/v1/api-keys"))!.Single(k => k.Id == created.Info.Id);
        Assert.False(listed.IsActive);
    }

    [Fact]
    public async Task Revoke_OnlyTheOwnerOrAnAdmin()
    {
        using var supervisor = await factory.ApiClientAsync(PortalRoles.Supervisor);
        using var auditor = await factory.ApiClientAsync(PortalRoles.Auditor);
        using var admin = await factory.ApiClientAsync(PortalRoles.Admin);
        var supervisorsKey = await CreateAsync(supervisor, "supervisor's script");
        using var script = WithKey(supervisorsKey.Key);

        // Another user cannot revoke it, nor see it: to them it does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.DeleteAsync($"/api/v1/api-keys/{supervisorsKey.Info.Id}")).StatusCode);
        Assert.DoesNotContain((await auditor.GetFromJsonAsync<List<ApiKeyInfo>>("/api/v1/api-keys?all=true"))!, k => k.Id == supervisorsKey.Info.Id);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/jobs")).StatusCode);

        // The auditor revokes their own key.
        var auditorsKey = await CreateAsync(auditor, "auditor's script");
        Assert.Equal(HttpStatusCode.NoContent, (await auditor.DeleteAsync($"/api/v1/api-keys/{auditorsKey.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithKey(auditorsKey.Key).GetAsync("/api/v1/jobs")).StatusCode);

        // An admin sees everyone's keys and revokes anyone's.
        Assert.Contains((await admin.GetFromJsonAsync<List<ApiKeyInfo>>("/api/v1/api-keys?all=true"))!, k => k.Id == supervisorsKey.Info.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/api-keys/{supervisorsKey.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/jobs")).StatusCode);

        // The same rules in the service the page uses.
        var keys = factory.Services.GetRequiredService<ApiKeyService>();
        var another = await keys.CreateAsync((await factory.UserAsync(PortalRoles.Supervisor)).Id, "page key", CancellationToken.None);
        Assert.False(await keys.RevokeAsync(another.Info.Id, (await factory.UserAsync(PortalRoles.Auditor)).Id, callerIsAdmin: false, CancellationToken.None));
        Assert.True((await keys.ValidateAsync(another.Key, CancellationToken.None)) is not null);
        Assert.True(await keys.RevokeAsync(another.Info.Id, (await factory.UserAsync(PortalRoles.Admin)).Id, callerIsAdmin: true, CancellationToken.None));
        Assert.Null(await keys.ValidateAsync(another.Key, CancellationToken.None));
    }

    [Fact]
    public async Task Api_LockedOutUsersKey_Gets401_AndWorksAgainWhenUnlocked()
    {
        using var admin = await factory.ApiClientAsync(PortalRoles.Admin);
        var user = await NewUserAsync("locked@test.local", PortalRoles.Supervisor);
        var created = await CreateAsync(admin, "crew laptop", user.Id);
        using var script = WithKey(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/jobs")).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddDays(1))).Succeeded);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/jobs")).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True((await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, null)).Succeeded);
        }
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/jobs")).StatusCode);
    }

    [Fact]
    public async Task Create_ForAnotherUser_OnlyAnAdmin()
    {
        using var admin = await factory.ApiClientAsync(PortalRoles.Admin);
        using var supervisor = await factory.ApiClientAsync(PortalRoles.Supervisor);
        var auditor = await factory.UserAsync(PortalRoles.Auditor);

        var refused = await supervisor.PostAsJsonAsync("/api/v1/api-keys", new ApiKeysEndpoints.CreateApiKeyRequest("not mine", auditor.Id));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var created = await CreateAsync(admin, "auditor's report script", auditor.Id);
        Assert.Equal(auditor.Id, created.Info.UserId);
        // The key acts as its owner: an auditor's key reads but cannot start a job.
        using var script = WithKey(created.Key);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await script.PostAsJsonAsync("/api/v1/jobs", new { areaId = 1 })).StatusCode);

        var unknown = await admin.PostAsJsonAsync("/api/v1/api-keys", new ApiKeysEndpoints.CreateApiKeyRequest("ghost", "no-such-user"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var unnamed = await supervisor.PostAsJsonAsync("/api/v1/api-keys", new ApiKeysEndpoints.CreateApiKeyRequest("  "));
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
    }

    private static async Task<CreatedApiKey> CreateAsync(HttpClient client, string name, string? userId = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/api-keys", new ApiKeysEndpoints.CreateApiKeyRequest(name, userId));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<CreatedApiKey>())!;
    }

    private HttpClient WithKey(string key)
    {
        var client = factory.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private async Task<TestUser> NewUserAsync(string email, string role)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Locked Tester", CreatedUtc = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(user, PortalAppFactory.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return new TestUser(user.Id, email, PortalAppFactory.Password, user.DisplayName);
    }
}
