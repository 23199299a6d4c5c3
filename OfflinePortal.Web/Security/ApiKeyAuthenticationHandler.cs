using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Security;

/// <summary>
/// Authenticates a request by an API key in <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c> (or, for the hub,
/// the <c>access_token</c> query parameter browsers must use for WebSockets). The principal carries the key's user
/// and that user's roles; a locked-out user's keys stop working.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    IUserClaimsPrincipalFactory<PortalUser> claimsFactory,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>True when the request presents an API key (then this scheme, not the cookie, decides).</summary>
    public static bool HasKey(HttpRequest request) => FindKey(request) is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = FindKey(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }
        var key = await keys.ValidateAsync(presented, Context.RequestAborted);
        if (key?.User is not { } user)
        {
            return AuthenticateResult.Fail("The API key is not valid or was revoked.");
        }
        if (user.LockoutEnd is { } end && end > time.GetUtcNow())
        {
            return AuthenticateResult.Fail("The API key's user is locked out.");
        }
        var principal = await claimsFactory.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName);
        identity.AddClaim(new Claim(PortalClaims.ApiKeyId, key.Id.ToString("D")));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private static string? FindKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.ToString() is { Length: > 0 } value)
        {
            return value.Trim();
        }
        if (request.Path.StartsWithSegments(PortalAuthentication.HubsPath) && request.Query.TryGetValue("access_token", out var token) && token.ToString() is { Length: > 0 } t)
        {
            return t;
        }
        return null;
    }
}
