using System.Globalization;

namespace OfflinePortal.Core.ArcGis;

/// <summary>
/// How requests authenticate: anonymously, with a fixed token (an API key or a token obtained elsewhere), or with a
/// user name and password exchanged for tokens through the portal's <c>generateToken</c>.
/// </summary>
/// <remarks>
/// A credential is sent only to the hosts it belongs to: the portal's own host, the ArcGIS Online service hosts when
/// the portal is ArcGIS Online, and the hosts listed as trusted (for example the federated servers of an ArcGIS
/// Enterprise portal). A web map can point at any server; sending our token to a foreign one would leak it.
/// One instance caches its token and is safe to share between concurrent requests. Its <see cref="ToString"/> never
/// shows a secret.
/// </remarks>
public abstract class ArcGisCredential
{
    private readonly string[] _trustedHosts;

    private protected ArcGisCredential(Uri? portalUrl, IEnumerable<string>? trustedHosts)
    {
        PortalUrl = portalUrl is null ? null : ArcGisUrl.NormalizePortalUrl(portalUrl);
        _trustedHosts = (trustedHosts ?? []).Select(h => h.Trim().TrimStart('.').ToLowerInvariant()).Where(h => h.Length > 0).ToArray();
    }

    /// <summary>No token is ever sent.</summary>
    public static ArcGisCredential Anonymous { get; } = new AnonymousCredential();

    /// <summary>A fixed token or API key. It cannot be renewed: a 498 answer fails the request.</summary>
    /// <param name="portalUrl">The portal (or server) the token belongs to; it decides where the token is sent.</param>
    /// <param name="token">The token or API key.</param>
    /// <param name="trustedHosts">Further hosts that accept the token (host names; a leading dot trusts sub-domains).</param>
    public static ArcGisCredential FromToken(Uri portalUrl, string token, IEnumerable<string>? trustedHosts = null)
    {
        ArgumentNullException.ThrowIfNull(portalUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new FixedTokenCredential(portalUrl, token.Trim(), trustedHosts);
    }

    /// <summary>A named user; tokens come from the portal's <c>generateToken</c> and are renewed when they expire or a service answers 498.</summary>
    public static ArcGisCredential FromUsernamePassword(Uri portalUrl, string username, string password, IEnumerable<string>? trustedHosts = null)
    {
        ArgumentNullException.ThrowIfNull(portalUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        return new UserPasswordCredential(portalUrl, username, password, trustedHosts);
    }

    /// <summary>The portal's sharing root the credential belongs to; null for <see cref="Anonymous"/>.</summary>
    public Uri? PortalUrl { get; }

    public bool IsAnonymous => PortalUrl is null;

    /// <summary>True when a rejected token can be replaced by a new one.</summary>
    public abstract bool CanRenew { get; }

    /// <summary>Whether the credential's token may be sent to <paramref name="url"/>.</summary>
    public bool AppliesTo(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (PortalUrl is null || !url.IsAbsoluteUri)
        {
            return false;
        }
        var host = url.Host.ToLowerInvariant();
        var portalHost = PortalUrl.Host.ToLowerInvariant();
        // Any port: ArcGIS Server often answers on 6443 beside a portal on 443.
        if (host == portalHost)
        {
            return true;
        }
        if (IsArcGisOnline(portalHost) && (IsArcGisOnline(host) || host.EndsWith(".arcgisonline.com", StringComparison.Ordinal)))
        {
            return true;
        }
        foreach (var trusted in _trustedHosts)
        {
            if (host == trusted || host.EndsWith("." + trusted, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The token to send, obtaining or renewing it when needed. <paramref name="rejectedToken"/> names a token a
    /// service just refused (498); the result is then a different token, or null when none can be had.
    /// </summary>
    internal abstract ValueTask<ArcGisToken?> GetTokenAsync(IArcGisTokenIssuer issuer, string? rejectedToken, CancellationToken cancellationToken);

    public override string ToString() => PortalUrl is null
        ? "ArcGisCredential(anonymous)"
        : string.Create(CultureInfo.InvariantCulture, $"ArcGisCredential({Kind}, {PortalUrl})");

    private protected abstract string Kind { get; }

    private static bool IsArcGisOnline(string host) => host == "arcgis.com" || host.EndsWith(".arcgis.com", StringComparison.Ordinal);

    private sealed class AnonymousCredential() : ArcGisCredential(null, null)
    {
        public override bool CanRenew => false;

        private protected override string Kind => "anonymous";

        internal override ValueTask<ArcGisToken?> GetTokenAsync(IArcGisTokenIssuer issuer, string? rejectedToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ArcGisToken?>(null);
    }

    private sealed class FixedTokenCredential(Uri portalUrl, string token, IEnumerable<string>? trustedHosts)
        : ArcGisCredential(portalUrl, trustedHosts)
    {
        private readonly ArcGisToken _token = new(token, null);

        public override bool CanRenew => false;

        private protected override string Kind => "token";

        internal override ValueTask<ArcGisToken?> GetTokenAsync(IArcGisTokenIssuer issuer, string? rejectedToken, CancellationToken cancellationToken) =>
            ValueTask.FromResult(rejectedToken == _token.Token ? null : _token);
    }

    private sealed class UserPasswordCredential(Uri portalUrl, string username, string password, IEnumerable<string>? trustedHosts)
        : ArcGisCredential(portalUrl, trustedHosts)
    {
        // Renew a little before the server would refuse the token, so that long downloads don't start with a dying one.
        private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(2);
        private readonly SemaphoreSlim _gate = new(1, 1);
        private ArcGisToken? _token;

        public override bool CanRenew => true;

        public string Username { get; } = username;

        private protected override string Kind => "user " + Username;

        internal override async ValueTask<ArcGisToken?> GetTokenAsync(IArcGisTokenIssuer issuer, string? rejectedToken, CancellationToken cancellationToken)
        {
            if (Usable(_token, rejectedToken, issuer.TimeProvider) is { } cached)
            {
                return cached;
            }
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another request may have renewed it while this one waited.
                if (Usable(_token, rejectedToken, issuer.TimeProvider) is { } renewed)
                {
                    return renewed;
                }
                _token = await issuer.GenerateTokenAsync(PortalUrl!, Username, password, cancellationToken).ConfigureAwait(false);
                return _token;
            }
            finally
            {
                _gate.Release();
            }
        }

        private static ArcGisToken? Usable(ArcGisToken? token, string? rejectedToken, TimeProvider time) =>
            token is not null && token.Token != rejectedToken
            && (token.Expires is not { } expires || expires - RenewalMargin > time.GetUtcNow())
                ? token
                : null;
    }
}

/// <summary>A token issued by <c>generateToken</c> (or given). <see cref="ToString"/> does not reveal it.</summary>
/// <param name="Token">The secret.</param>
/// <param name="Expires">When the server stops accepting it, if known.</param>
public sealed record ArcGisToken(string Token, DateTimeOffset? Expires)
{
    /// <summary>True when the token may be sent over plain HTTP (<c>ssl:false</c>).</summary>
    public bool Ssl { get; init; }

    /// <summary>The referer the token was bound to; requests carrying it send this <c>Referer</c> header.</summary>
    public string? Referer { get; init; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ArcGisToken(***, expires {Expires?.ToString("O", CultureInfo.InvariantCulture) ?? "unknown"})");
}

/// <summary>What a credential needs to obtain a token: the HTTP exchange lives with the clients, the cache with the credential.</summary>
internal interface IArcGisTokenIssuer
{
    TimeProvider TimeProvider { get; }

    Task<ArcGisToken> GenerateTokenAsync(Uri portalUrl, string username, string password, CancellationToken cancellationToken);
}
