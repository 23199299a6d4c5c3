using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>An API key as the list shows it (never the key itself).</summary>
public sealed record ApiKeyInfo(Guid Id, string UserId, string UserName, string Name, string Prefix, DateTime CreatedUtc, DateTime? LastUsedUtc, DateTime? RevokedUtc)
{
    public bool IsActive => RevokedUtc is null;
}

/// <summary>A key just created: <see cref="Key"/> is shown once and is not stored anywhere.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);

/// <summary>
/// Per-user API keys for scripts and the jobs API. A key is <c>opk_&lt;prefix&gt;_&lt;secret&gt;</c>; the prefix finds it,
/// and only the SHA-256 of the whole key is stored (the secret is 256 random bits, so a fast hash is enough).
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const string KeyPrefix = "opk_";

    /// <summary>Last-used times are written at most this often per key, so that busy scripts do not hammer SQLite.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiKey> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0)
        {
            throw RequestValidationException.For("Name", "Give the key a name that says what uses it.");
        }
        if (name.Length > 200)
        {
            throw RequestValidationException.For("Name", "A key name has at most 200 characters.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw RequestValidationException.For("UserId", "The user does not exist.");
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"{KeyPrefix}{prefix}_{secret}";
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            Prefix = prefix,
            Hash = Hash(key),
            CreatedUtc = time.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(ToInfo(entity, user.UserName ?? user.Id), key);
    }

    /// <summary>Keys of one user, or of everyone when <paramref name="userId"/> is null (admins).</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var keys = db.ApiKeys.AsNoTracking();
        if (userId is not null)
        {
            keys = keys.Where(k => k.UserId == userId);
        }
        return await keys.OrderByDescending(k => k.CreatedUtc)
            .Select(k => new ApiKeyInfo(k.Id, k.UserId, k.User!.UserName ?? k.UserId, k.Name, k.Prefix, k.CreatedUtc, k.LastUsedUtc, k.RevokedUtc))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a key; only its owner or an admin may. False when there is no such key for this caller.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, string callerUserId, bool callerIsAdmin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken).ConfigureAwait(false);
        if (key is null || (!callerIsAdmin && key.UserId != callerUserId))
        {
            return false;
        }
        key.RevokedUtc ??= time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The active key matching <paramref name="key"/> (with its user), or null. Records when it was last used.</summary>
    public async Task<ApiKey?> ValidateAsync(string key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || !key.StartsWith(KeyPrefix, StringComparison.Ordinal) || key.Length > 200)
        {
            return null;
        }
        var rest = key.AsSpan(KeyPrefix.Length);
        var separator = rest.IndexOf('_');
        if (separator <= 0)
        {
            return null;
        }
        var prefix = rest[..separator].ToString();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var stored = await db.ApiKeys.Include(k => k.User).SingleOrDefaultAsync(k => k.Prefix == prefix, cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.RevokedUtc is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored.Hash), Encoding.ASCII.GetBytes(Hash(key))))
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (stored.LastUsedUtc is null || now - stored.LastUsedUtc > LastUsedResolution)
        {
            stored.LastUsedUtc = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        return stored;
    }

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ApiKeyInfo ToInfo(ApiKey k, string userName) => new(k.Id, k.UserId, userName, k.Name, k.Prefix, k.CreatedUtc, k.LastUsedUtc, k.RevokedUtc);
}
