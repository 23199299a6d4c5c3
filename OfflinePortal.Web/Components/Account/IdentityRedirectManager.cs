using Microsoft.AspNetCore.Components;

namespace OfflinePortal.Web.Components.Account;

/// <summary>Redirects from the static account pages, only ever to a local URL.</summary>
public sealed class IdentityRedirectManager(NavigationManager navigation)
{
    public void RedirectTo(string? uri)
    {
        navigation.NavigateTo(IsLocal(uri) ? uri! : "/", forceLoad: true);
    }

    /// <summary>A path on this site: starts with one slash (not "//" or "/\", which browsers treat as another host).</summary>
    public static bool IsLocal(string? uri) =>
        !string.IsNullOrEmpty(uri) && uri[0] == '/' && (uri.Length == 1 || (uri[1] != '/' && uri[1] != '\\'));
}
