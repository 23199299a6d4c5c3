using Microsoft.JSInterop;

namespace OfflinePortal.Web.Components.Shared;

/// <summary>
/// A Leaflet map made by one of our JS modules (<c>wwwroot/js/*.js</c>): the module is imported, its factory makes the
/// map, and disposing removes the map and releases both, quietly when the circuit is already gone.
/// </summary>
internal sealed class LeafletMap : IAsyncDisposable
{
    private readonly IJSObjectReference _module;
    private readonly IJSObjectReference? _map;

    private LeafletMap(IJSObjectReference module, IJSObjectReference? map)
    {
        _module = module;
        _map = map;
    }

    /// <summary>Imports <paramref name="modulePath"/> and calls its <paramref name="factory"/>; null without JS (prerendering, tests).</summary>
    public static async Task<LeafletMap?> CreateAsync(IJSRuntime js, string modulePath, string factory, params object?[] args)
    {
        var module = await js.InvokeAsync<IJSObjectReference?>("import", modulePath);
        if (module is null)
        {
            return null;
        }
        return new LeafletMap(module, await module.InvokeAsync<IJSObjectReference?>(factory, args));
    }

    public async Task InvokeVoidAsync(string method, params object?[] args)
    {
        if (_map is not null)
        {
            await _map.InvokeVoidAsync(method, args);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_map is not null)
            {
                await _map.InvokeVoidAsync("dispose");
                await _map.DisposeAsync();
            }
            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; so is the map.
        }
    }
}
