using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Administration;

/// <summary>
/// Reads and stores the external portal connection (single row). Secrets are encrypted with ASP.NET Core Data Protection,
/// whose keys live in the data directory. Without a configured URL, the sample portal is the source.
/// </summary>
public sealed class PortalConnectionProvider(
    IDbContextFactory<PortalDbContext> dbFactory,
    IDataProtectionProvider dataProtection,
    ISamplePortalAddress sample,
    TimeProvider time) : IPortalConnectionProvider
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("OfflinePortal.PortalConnection.v1");

    public async Task<PortalConnection> GetAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var settings = await db.PortalConnectionSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (settings?.PortalUrl is not { Length: > 0 } url)
        {
            var sampleUrl = sample.SamplePortalUrl
                ?? throw new InvalidOperationException("No portal is configured and the sample portal is not mounted (Portal:SamplePortalEnabled).");
            return new PortalConnection(sampleUrl, PortalAuthenticationKind.Anonymous, null, null, null, IsSample: true);
        }
        return new PortalConnection(
            new Uri(url),
            settings.Authentication,
            settings.Authentication == PortalAuthenticationKind.ApiKey ? Unprotect(settings.ProtectedApiKey) : null,
            settings.Authentication == PortalAuthenticationKind.UsernamePassword ? settings.Username : null,
            settings.Authentication == PortalAuthenticationKind.UsernamePassword ? Unprotect(settings.ProtectedPassword) : null,
            IsSample: false);
    }

    public async Task<PortalConnectionForm> GetFormAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var s = await db.PortalConnectionSettings.AsNoTracking().SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return s is null
            ? new PortalConnectionForm()
            : new PortalConnectionForm
            {
                PortalUrl = s.PortalUrl,
                Authentication = s.Authentication,
                Username = s.Username,
                HasApiKey = s.ProtectedApiKey is not null,
                HasPassword = s.ProtectedPassword is not null,
                UpdatedUtc = s.UpdatedUtc,
                UpdatedBy = s.UpdatedBy,
            };
    }

    /// <summary>Checks a form and turns it into the connection it would give, without saving (for "test connection").</summary>
    public async Task<PortalConnection?> ResolveAsync(PortalConnectionForm form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var url = Validate(form);
        if (url is null)
        {
            return await GetSampleAsync().ConfigureAwait(false);
        }
        var stored = await GetAsync(cancellationToken).ConfigureAwait(false);
        return new PortalConnection(
            url,
            form.Authentication,
            form.Authentication == PortalAuthenticationKind.ApiKey ? form.ApiKey ?? (stored.IsSample ? null : stored.ApiKey) : null,
            form.Authentication == PortalAuthenticationKind.UsernamePassword ? form.Username?.Trim() : null,
            form.Authentication == PortalAuthenticationKind.UsernamePassword ? form.Password ?? (stored.IsSample ? null : stored.Password) : null,
            IsSample: false);
    }

    private Task<PortalConnection?> GetSampleAsync() =>
        Task.FromResult<PortalConnection?>(sample.SamplePortalUrl is { } u ? new PortalConnection(u, PortalAuthenticationKind.Anonymous, null, null, null, true) : null);

    /// <summary>Saves the connection; an empty URL switches back to the sample portal. Secrets left null are kept.</summary>
    public async Task SaveAsync(PortalConnectionForm form, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var url = Validate(form);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var s = await db.PortalConnectionSettings.SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (s is null)
        {
            s = new PortalConnectionSettings();
            db.PortalConnectionSettings.Add(s);
        }
        s.PortalUrl = url?.ToString().TrimEnd('/');
        s.Authentication = url is null ? PortalAuthenticationKind.Anonymous : form.Authentication;
        s.Username = s.Authentication == PortalAuthenticationKind.UsernamePassword ? form.Username?.Trim() : null;
        if (s.Authentication != PortalAuthenticationKind.ApiKey)
        {
            s.ProtectedApiKey = null;
        }
        else if (!string.IsNullOrEmpty(form.ApiKey))
        {
            s.ProtectedApiKey = _protector.Protect(form.ApiKey);
        }
        if (s.Authentication != PortalAuthenticationKind.UsernamePassword)
        {
            s.ProtectedPassword = null;
        }
        else if (!string.IsNullOrEmpty(form.Password))
        {
            s.ProtectedPassword = _protector.Protect(form.Password);
        }
        s.UpdatedUtc = time.GetUtcNow().UtcDateTime;
        s.UpdatedBy = userName;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Uri? Validate(PortalConnectionForm form)
    {
        if (string.IsNullOrWhiteSpace(form.PortalUrl))
        {
            return null;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Uri.TryCreate(form.PortalUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            errors[nameof(form.PortalUrl)] = ["Enter the portal's address, e.g. https://www.arcgis.com or https://gis.example.org/portal."];
        }
        if (form.Authentication == PortalAuthenticationKind.ApiKey && string.IsNullOrEmpty(form.ApiKey) && !form.HasApiKey)
        {
            errors[nameof(form.ApiKey)] = ["Enter the API key or token."];
        }
        if (form.Authentication == PortalAuthenticationKind.UsernamePassword)
        {
            if (string.IsNullOrWhiteSpace(form.Username))
            {
                errors[nameof(form.Username)] = ["Enter the user name."];
            }
            if (string.IsNullOrEmpty(form.Password) && !form.HasPassword)
            {
                errors[nameof(form.Password)] = ["Enter the password."];
            }
        }
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        return url;
    }

    private string? Unprotect(string? value)
    {
        if (value is null)
        {
            return null;
        }
        try
        {
            return _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException("The stored portal credential cannot be decrypted (were the Data Protection keys in the data directory lost?). Enter it again on the connection page.", ex);
        }
    }
}
