using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>The effective source portal with the credential the server uses for it (never sent to a browser).</summary>
/// <param name="PortalUrl">The portal root as configured (the sample portal's mount, or the external portal).</param>
/// <param name="Credential">Anonymous, a fixed token/API key, or a named user whose tokens are renewed.</param>
/// <param name="IsSample">True while the built-in sample portal is the source.</param>
public sealed record PortalAccess(Uri PortalUrl, ArcGisCredential Credential, bool IsSample);

/// <summary>
/// Turns the effective <see cref="PortalConnection"/> into a <see cref="PortalAccess"/>, keeping one credential per
/// connection: a named user's token is then obtained once and renewed, not asked for on every page. A changed connection
/// (an admin saved another portal or password) gets a new credential.
/// </summary>
public sealed class PortalAccessProvider(IPortalConnectionProvider connections)
{
    private readonly Lock _gate = new();
    private (PortalConnection Connection, PortalAccess Access)? _current;

    public async Task<PortalAccess> GetAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_current is { } current && current.Connection == connection)
            {
                return current.Access;
            }
            var access = new PortalAccess(connection.PortalUrl, CreateCredential(connection), connection.IsSample);
            _current = (connection, access);
            return access;
        }
    }

    /// <summary>The credential a connection describes; a connection missing its secret is refused with a clear message.</summary>
    public static ArcGisCredential CreateCredential(PortalConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.Authentication switch
        {
            PortalAuthenticationKind.ApiKey when !string.IsNullOrWhiteSpace(connection.ApiKey) =>
                ArcGisCredential.FromToken(connection.PortalUrl, connection.ApiKey),
            PortalAuthenticationKind.UsernamePassword when !string.IsNullOrWhiteSpace(connection.Username) && !string.IsNullOrEmpty(connection.Password) =>
                ArcGisCredential.FromUsernamePassword(connection.PortalUrl, connection.Username, connection.Password),
            PortalAuthenticationKind.Anonymous => ArcGisCredential.Anonymous,
            _ => throw new InvalidOperationException(
                $"The portal connection to {connection.PortalUrl} is set to {connection.Authentication} but its secret is missing; enter it again on the connection page."),
        };
    }
}
