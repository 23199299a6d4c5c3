using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Tests.Integration.Portal;

/// <summary>
/// Every route the application maps (API, pages, hub, downloads, the sample portal), read from its
/// <see cref="EndpointDataSource"/> rather than from a hand-written list: anonymous callers get 401 or the sign-in page,
/// and an Auditor gets 403 on every endpoint that changes something. A new endpoint is covered the day it is mapped.
/// </summary>
public sealed class PortalEndpointRolesTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    /// <summary>A caller on another machine: the sample portal trusts only this machine's own engine (loopback).</summary>
    private static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    /// <summary>
    /// Routes that answer without sign-in, and why. Anything else that is reachable anonymously fails the test. (There
    /// is no health endpoint; the sample portal at /sample is not here: from another machine it needs a sign-in, see
    /// <see cref="PortalSampleAccessTests"/>.)
    /// </summary>
    private static readonly HashSet<string> DeclaredAnonymous = new(StringComparer.OrdinalIgnoreCase)
    {
        "/Account/Login",        // signing in
        "/Account/AccessDenied", // telling a signed-in user a page is not for their role
        "/Account/Logout",       // signing out (a POST; harmless without a session)
        "/Error",                // what a failed request is shown
    };

    private static bool IsDeclaredAnonymous(RouteEndpoint endpoint) =>
        IsStaticAsset(endpoint) || DeclaredAnonymous.Contains("/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/'));

    /// <summary>Files of wwwroot and the framework's scripts and styles (MapStaticAssets), anonymous by design.</summary>
    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().FullName == "Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor");

    /// <summary>
    /// Whether a request changes something an Auditor must not change. Pages change nothing by HTTP (their buttons act
    /// through the circuit, and each page's role is checked separately); the hub only lets a client watch; an estimate
    /// stores nothing; managing one's own API keys is not changing portal data; the preview proxy refuses writes itself
    /// (<see cref="PortalSampleAccessTests"/>); the sample portal's reads may use POST, only its edits count.
    /// </summary>
    private static bool ChangesSomething(RouteEndpoint endpoint, string method, string path) =>
        method is "POST" or "PUT" or "DELETE" or "PATCH"
        && endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is null
        && !path.StartsWith("/_blazor", StringComparison.Ordinal)
        && !path.StartsWith("/hubs/", StringComparison.Ordinal)
        && !path.StartsWith("/api/v1/api-keys", StringComparison.Ordinal)
        && !(path.StartsWith("/api/v1/webmaps/", StringComparison.Ordinal) && (path.EndsWith("/estimate", StringComparison.Ordinal) || path.EndsWith("/proxy", StringComparison.Ordinal)))
        && (!path.StartsWith("/sample/", StringComparison.Ordinal) || ArcGisWriteOperations.IsWrite(path));

    [Fact]
    public void EveryEndpoint_RequiresSignInOrIsDeclaredAnonymous()
    {
        var open = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null && !IsDeclaredAnonymous(e))
            .Select(e => e.RoutePattern.RawText)
            .ToList();
        Assert.True(open.Count == 0, "anonymous but not declared: " + string.Join(", ", open));
        // The list does not rot: each entry is mapped, and anonymous.
        foreach (var declared in DeclaredAnonymous)
        {
            Assert.Contains(Endpoints(), e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/') == declared && e.Metadata.GetMetadata<IAllowAnonymous>() is not null);
        }
        Assert.Contains(Endpoints(), IsStaticAsset);
        // The fallback policy covers endpoints without their own: it must require a signed-in user.
        var fallback = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
        Assert.NotNull(fallback);
        Assert.Contains(fallback.Requirements, r => r is Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement);
    }

    [Fact]
    public async Task EveryEndpoint_Anonymous_Gets401OrTheSignInPage()
    {
        using var client = Client(key: null);
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (endpoint, method, path) in Requests().Where(r => !IsDeclaredAnonymous(r.Endpoint)))
        {
            using var response = await client.SendAsync(Request(method, path));
            checkedCount++;
            var toSignIn = response.StatusCode == HttpStatusCode.Redirect
                && response.Headers.Location?.OriginalString.Contains("/Account/Login", StringComparison.Ordinal) == true;
            if (response.StatusCode != HttpStatusCode.Unauthorized && !toSignIn)
            {
                failures.Add($"{method} {path} ({endpoint.DisplayName}) answered {(int)response.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(checkedCount > 40, $"only {checkedCount} requests: the endpoint walk found too little");
    }

    [Fact]
    public async Task EveryEndpointThatChangesSomething_Auditor_Gets403()
    {
        using var client = Client(await factory.ApiKeyAsync(PortalRoles.Auditor));
        var failures = new List<string>();
        var writes = Requests().Where(r => !IsDeclaredAnonymous(r.Endpoint) && ChangesSomething(r.Endpoint, r.Method, r.Path)).ToList();
        foreach (var (endpoint, method, path) in writes)
        {
            using var response = await client.SendAsync(Request(method, path));
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{method} {path} ({endpoint.DisplayName}) answered {(int)response.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The walk must have met the endpoints the issue names: start, cancel and retry a job, save areas and crews,
        // and the sample portal's edits.
        foreach (var expected in new[] { "POST /api/v1/jobs", "/cancel", "/retry", "POST /api/v1/areas", "PUT /api/v1/areas/", "DELETE /api/v1/areas/", "POST /api/v1/crews", "/applyEdits", "/synchronizeReplica" })
        {
            Assert.Contains(writes, w => (w.Method + " " + w.Path).Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task EveryAdminPage_SignedInAuditorOrSupervisor_IsDenied()
    {
        var adminPages = Requests()
            .Where(r => r.Method == "GET" && r.Endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && r.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == PortalPolicies.Admin))
            .ToList();
        Assert.Contains(adminPages, p => p.Path == "/admin/retention");
        Assert.Contains(adminPages, p => p.Path == "/admin/connection");
        foreach (var role in new[] { PortalRoles.Auditor, PortalRoles.Supervisor })
        {
            // Signed in with the sign-in form, as a person is.
            using var client = await factory.SignedInClientAsync(role);
            foreach (var (_, method, path) in adminPages)
            {
                using var response = await client.SendAsync(Request(method, path));
                Assert.True(response.StatusCode == HttpStatusCode.Redirect
                    && response.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
                    $"{role} {method} {path} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        using var admin = await factory.SignedInClientAsync(PortalRoles.Admin);
        foreach (var (_, method, path) in adminPages)
        {
            using var response = await admin.SendAsync(Request(method, path));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"Admin {method} {path} answered {(int)response.StatusCode}");
        }
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    /// <summary>One request per route and method, with route parameters filled in to match their constraints.</summary>
    private IEnumerable<(RouteEndpoint Endpoint, string Method, string Path)> Requests()
    {
        foreach (var endpoint in Endpoints())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET"];
            var path = Fill(endpoint.RoutePattern);
            foreach (var method in methods.Where(x => x != "HEAD" && x != "OPTIONS").Distinct())
            {
                yield return (endpoint, method, path);
            }
        }
    }

    private static string Fill(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Value(parameter),
                    _ => "",
                });
            }
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string Value(RoutePatternParameterPart parameter)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? "").ToList();
        if (constraints.Any(c => c.StartsWith("guid", StringComparison.OrdinalIgnoreCase)))
        {
            return Guid.NewGuid().ToString("D");
        }
        if (constraints.Any(c => c.StartsWith("int", StringComparison.OrdinalIgnoreCase) || c.StartsWith("long", StringComparison.OrdinalIgnoreCase)))
        {
            return "1";
        }
        return parameter.Name.Contains("file", StringComparison.OrdinalIgnoreCase) ? "x.json" : "x" + parameter.Name.Length.ToString(CultureInfo.InvariantCulture);
    }

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path)
        {
            Content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
        };

    /// <summary>A client whose requests come from another machine, with an API key (or none).</summary>
    private HttpClient Client(string? key)
    {
        var client = new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = Remote)) { BaseAddress = factory.Server.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }
}
