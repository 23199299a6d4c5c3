using System.Collections.Concurrent;
using System.Net.Sockets;
using OfflinePortal.Core.ArcGis;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.ArcGis.Tiles;
using OfflinePortal.Core.WebMaps;

namespace OfflinePortal.Core.Offline;

/// <summary>Why a service's description could not be read.</summary>
internal enum ServiceFailureKind
{
    Unreachable,
    Unauthorized,
    NotFound,
    NotAService,
    Other,
}

/// <summary>A service description that could not be read, in words a supervisor can act on.</summary>
internal sealed record ServiceFailure(ServiceFailureKind Kind, string Message)
{
    public static ServiceFailure From(Exception exception, Uri url)
    {
        var where = ArcGisUrl.Redact(url);
        return exception switch
        {
            ArcGisServiceException { IsTokenInvalid: true } or ArcGisServiceException { IsTokenRequired: true } or ArcGisServiceException { Code: 401 } =>
                new(ServiceFailureKind.Unauthorized, $"The service {where} needs a signed-in user: sign in with an account that may use it."),
            ArcGisServiceException { IsPermissionDenied: true } =>
                new(ServiceFailureKind.Unauthorized, $"The service {where} refused access to this account (403): ask its owner to share it."),
            ArcGisServiceException { IsNotFound: true } =>
                new(ServiceFailureKind.NotFound, $"The service {where} does not exist (any more): the web map points at a removed service."),
            ArcGisServiceException e =>
                new(ServiceFailureKind.Other, $"The service {where} answered an error: {e.ServiceMessage}"),
            ArcGisConnectionException e =>
                new(ServiceFailureKind.Unreachable, $"The service {where} cannot be reached: {e.Message}"),
            ArcGisProtocolException e =>
                new(ServiceFailureKind.NotAService, $"The address {where} does not answer as an ArcGIS service: {e.Message}"),
            HttpRequestException or SocketException or IOException =>
                new(ServiceFailureKind.Unreachable, $"The service {where} cannot be reached: {exception.Message}"),
            _ => new(ServiceFailureKind.Other, $"The service {where} could not be read: {exception.Message}"),
        };
    }
}

/// <summary>A loaded description or the reason it is missing.</summary>
internal readonly record struct Loaded<T>(T? Value, ServiceFailure? Failure)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>
/// The descriptions of the services a web map uses, each loaded once per task and then kept: feature service roots
/// and the referenced layers and tables, tiled and vector tile service roots, vector tile styles. Loads run in
/// parallel within a limit; a service that cannot be read is recorded as a <see cref="ServiceFailure"/>, never thrown.
/// </summary>
internal sealed class ServiceCatalog(
    FeatureServiceClient features,
    TiledServiceClient tiles,
    VectorTileServiceClient vectorTiles,
    ArcGisCredential credential,
    int maxConcurrentRequests)
{
    private readonly ConcurrentDictionary<string, Task<object>> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(maxConcurrentRequests, maxConcurrentRequests);

    public ArcGisCredential Credential => credential;

    public Task<Loaded<FeatureServiceInfo>> FeatureServiceAsync(Uri serviceUrl, CancellationToken cancellationToken) =>
        GetAsync("fs|" + serviceUrl.OriginalString, serviceUrl, ct => features.GetServiceInfoAsync(serviceUrl, credential, ct), cancellationToken);

    public Task<Loaded<LayerInfo>> LayerAsync(Uri serviceUrl, int layerId, CancellationToken cancellationToken)
    {
        var url = ArcGisUrl.Append(serviceUrl, layerId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return GetAsync("layer|" + url.OriginalString, url, ct => features.GetLayerInfoAsync(url, credential, ct), cancellationToken);
    }

    public Task<Loaded<TiledServiceInfo>> TiledServiceAsync(Uri serviceUrl, CancellationToken cancellationToken) =>
        GetAsync("tiled|" + serviceUrl.OriginalString, serviceUrl, ct => tiles.GetServiceInfoAsync(serviceUrl, credential, ct), cancellationToken);

    public Task<Loaded<VectorTileServiceInfo>> VectorTileServiceAsync(Uri serviceUrl, CancellationToken cancellationToken) =>
        GetAsync("vts|" + serviceUrl.OriginalString, serviceUrl, ct => vectorTiles.GetServiceInfoAsync(serviceUrl, credential, ct), cancellationToken);

    public Task<Loaded<VectorTileStyle>> StyleAsync(Uri serviceUrl, Uri? styleUrl, CancellationToken cancellationToken) =>
        GetAsync("style|" + (styleUrl ?? serviceUrl).OriginalString, styleUrl ?? serviceUrl,
            ct => vectorTiles.GetStyleAsync(serviceUrl, styleUrl, credential, ct), cancellationToken);

    /// <summary>Loads every description the map's layers need, in parallel, each service once.</summary>
    public Task LoadAsync(WebMap map, CancellationToken cancellationToken)
    {
        var loads = new List<Task>();
        foreach (var layer in map.AllLayers)
        {
            var service = OfflineLayerAnalyzer.ServiceOf(layer);
            switch (OfflineLayerAnalyzer.SourceOf(layer))
            {
                case LayerSource.FeatureService when service is { LayerId: { } id }:
                    loads.Add(FeatureServiceAsync(service.ServiceUrl, cancellationToken));
                    loads.Add(LayerAsync(service.ServiceUrl, id, cancellationToken));
                    break;
                case LayerSource.TiledService when service is not null:
                    loads.Add(TiledServiceAsync(service.ServiceUrl, cancellationToken));
                    break;
                case LayerSource.VectorTileService when service is not null:
                    loads.Add(VectorTileServiceAsync(service.ServiceUrl, cancellationToken));
                    loads.Add(StyleAsync(service.ServiceUrl, VectorStyleUrl(layer), cancellationToken));
                    break;
            }
        }
        return Task.WhenAll(loads);
    }

    /// <summary>The style a vector tile layer names (<c>styleUrl</c>), or null for the service's default style.</summary>
    public static Uri? VectorStyleUrl(WebMapLayer layer) =>
        Uri.TryCreate(layer.StyleUrl, UriKind.Absolute, out var url) ? url : null;

    private async Task<Loaded<T>> GetAsync<T>(string key, Uri url, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var task = _entries.GetOrAdd(key, _ => LoadAsync(url, load, cancellationToken));
            try
            {
                var value = await task.ConfigureAwait(false);
                return value is ServiceFailure failure ? new Loaded<T>(null, failure) : new Loaded<T>((T)value, null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another caller's load was cancelled: forget it and load again for this caller.
                _entries.TryRemove(new KeyValuePair<string, Task<object>>(key, task));
            }
        }
    }

    private async Task<object> LoadAsync<T>(Uri url, Func<CancellationToken, Task<T>> load, CancellationToken cancellationToken)
        where T : class
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await load(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ServiceFailure.From(e, url);
        }
        finally
        {
            _gate.Release();
        }
    }
}
