using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>Issues and checks tokens for the sample portal's optional security.</summary>
internal sealed class TokenService(IOptions<SamplePortalOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string User, DateTimeOffset Issued, DateTimeOffset Expires)> _tokens = new(StringComparer.Ordinal);
    private long _revokedBeforeTicks;

    public bool Enabled => options.Value.Security.Enabled;

    public enum Check
    {
        Valid,
        Missing,
        Invalid,
    }

    /// <summary>Issues a token for a known user and password; null when they do not match.</summary>
    public (string Token, DateTimeOffset Expires)? Issue(string? username, string? password, TimeSpan? requested)
    {
        var user = options.Value.Security.Users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        if (user is null || password is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(password)))
        {
            return null;
        }
        var lifetime = options.Value.Security.TokenLifetime;
        if (requested is { } r && r > TimeSpan.Zero && r < lifetime)
        {
            lifetime = r;
        }
        var now = time.GetUtcNow();
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var expires = now + lifetime;
        _tokens[token] = (user.Username, now, expires);
        return (token, expires);
    }

    public Check Validate(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Check.Missing;
        }
        if (!_tokens.TryGetValue(token, out var t))
        {
            return Check.Invalid;
        }
        var now = time.GetUtcNow();
        if (t.Expires <= now || t.Issued.UtcTicks < Interlocked.Read(ref _revokedBeforeTicks))
        {
            _tokens.TryRemove(token, out _);
            return Check.Invalid;
        }
        return Check.Valid;
    }

    public string? UserOf(string? token) => token is not null && Validate(token) == Check.Valid ? _tokens[token].User : null;

    /// <summary>Makes every token issued so far invalid (fault injection: "expire all tokens now").</summary>
    public void ExpireAll() => Interlocked.Exchange(ref _revokedBeforeTicks, time.GetUtcNow().UtcTicks + 1);
}
