using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>
/// API keys under <c>/api/v1/api-keys</c>: every user lists, creates and revokes their own keys (managing one's own
/// access changes no portal data, so auditors may too); an admin lists everyone's, creates one for another user and
/// revokes anyone's. The key itself is only in the answer to create.
/// </summary>
public static class ApiKeysEndpoints
{
    public sealed record CreateApiKeyRequest(string Name, string? UserId = null);

    public static RouteGroupBuilder MapApiKeysEndpoints(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(PortalPolicies.CanView);
        keys.MapGet("/", ListAsync).WithName("ListApiKeys").WithSummary("The caller's keys; an admin's list holds everyone's (all=true).");
        keys.MapPost("/", CreateAsync).WithName("CreateApiKey").WithSummary("A new key, shown once; an admin may create one for another user.");
        keys.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revokes a key at once: the caller's own, or anyone's for an admin.");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> ListAsync(bool? all, ClaimsPrincipal user, ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(await keys.ListAsync(all == true && user.IsInRole(PortalRoles.Admin) ? null : Caller(user), cancellationToken));

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem, ForbidHttpResult>> CreateAsync(
        CreateApiKeyRequest request, ClaimsPrincipal user, ApiKeyService keys, CancellationToken cancellationToken)
    {
        var caller = Caller(user);
        var owner = string.IsNullOrWhiteSpace(request.UserId) ? caller : request.UserId.Trim();
        if (owner != caller && !user.IsInRole(PortalRoles.Admin))
        {
            return TypedResults.Forbid();
        }
        try
        {
            var created = await keys.CreateAsync(owner, request.Name, cancellationToken);
            return TypedResults.Created($"{PortalApi.Prefix}/api-keys/{created.Info.Id:D}", created);
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
    }

    /// <summary>Someone else's key is 404 to a non-admin, as if it did not exist.</summary>
    private static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, ClaimsPrincipal user, ApiKeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(id, Caller(user), user.IsInRole(PortalRoles.Admin), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound();

    private static string Caller(ClaimsPrincipal user) => user.UserId() ?? throw new InvalidOperationException("The user is not signed in.");
}
