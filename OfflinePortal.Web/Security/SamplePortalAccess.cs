using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Persistence;
using OfflinePortal.SamplePortal;

namespace OfflinePortal.Web.Security;

/// <summary>
/// Who may use the built-in sample portal mounted at <c>/sample</c>. Its data can be changed (applyEdits, replicas,
/// attachments), so it is not open to anyone who can reach the port:
/// <list type="bullet">
/// <item>callers on this machine (loopback): the portal's own engine, which reads it over HTTP like any ArcGIS portal,
/// so <c>dotnet run</c> and the container work with no setting;</item>
/// <item>any caller when the sample portal's own token security is on (<c>SamplePortal:Security:Enabled</c>): it then
/// checks its tokens itself, as ArcGIS does;</item>
/// <item>otherwise a signed-in portal user: every role may read (the area map draws the sample basemap in the browser),
/// only Admin and Supervisor may change data.</item>
/// </list>
/// Behind a reverse proxy the proxy's address is the caller: keep the proxy off loopback or turn on the sample's security.
/// </summary>
public sealed class SamplePortalAccessRequirement : IAuthorizationRequirement;

public sealed class SamplePortalAccessHandler(IOptions<SamplePortalOptions> sampleOptions) : AuthorizationHandler<SamplePortalAccessRequirement>
{
    /// <summary>
    /// A loopback caller, also when a dual-stack socket (Kestrel on <c>http://+:port</c>, as in the container) reports
    /// 127.0.0.1 as <c>::ffff:127.0.0.1</c>, which <see cref="IPAddress.IsLoopback"/> alone does not recognise.
    /// </summary>
    public static bool IsLocal(IPAddress? remote) =>
        remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SamplePortalAccessRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        if (IsLocal(http?.Connection.RemoteIpAddress) || sampleOptions.Value.Security.Enabled)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }
        var roles = http is not null && ArcGisWriteOperations.IsWrite(http.Request.Path.Value) ? PortalRoles.Operators : PortalRoles.All;
        if (context.User.Identity?.IsAuthenticated == true && roles.Any(context.User.IsInRole))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
