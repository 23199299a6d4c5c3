using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.ArcGis.Features;
using OfflinePortal.Core.ArcGis.Http;
using OfflinePortal.Core.ArcGis.Portal;
using OfflinePortal.Core.ArcGis.Tiles;

namespace OfflinePortal.Core.ArcGis;

public static class ArcGisServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ArcGIS REST clients (<see cref="ArcGisPortalClient"/>, <see cref="FeatureServiceClient"/>,
    /// <see cref="TiledServiceClient"/>, <see cref="VectorTileServiceClient"/>, <see cref="ArcGisResourceClient"/>) as typed HTTP clients with the retry and
    /// timeout pipeline, and <see cref="ArcGisClientOptions"/> bound from the <c>ArcGis</c> section of
    /// <paramref name="configuration"/> (when given), then <paramref name="configure"/>, validated at start.
    /// </summary>
    public static IServiceCollection AddArcGisClients(this IServiceCollection services, IConfiguration? configuration = null,
        Action<ArcGisClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ArcGisClientOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(ArcGisClientOptions.SectionName));
        }
        if (configure is not null)
        {
            options.Configure(configure);
        }
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ArcGisClientOptions>, ArcGisClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<ArcGisBufferingHandler>();

        AddClient<ArcGisPortalClient>(services, decompress: true);
        AddClient<FeatureServiceClient>(services, decompress: true);
        AddClient<TiledServiceClient>(services, decompress: true);
        AddClient<ArcGisResourceClient>(services, decompress: true);
        // Vector tiles are kept gzip-compressed exactly as served: no transparent decompression on this client.
        AddClient<VectorTileServiceClient>(services, decompress: false);
        return services;
    }

    private static void AddClient<TClient>(IServiceCollection services, bool decompress)
        where TClient : class
    {
        var builder = services.AddHttpClient<TClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = decompress ? DecompressionMethods.All : DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The default HttpClient logging would write request URLs, and GET URLs carry the token. Our own
            // logging (ArcGisHttp, ArcGisResilience) writes redacted URLs only.
            .RemoveAllLoggers();
        builder.AddResilienceHandler("arcgis", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<ArcGisClientOptions>>().Value;
                var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("OfflinePortal.Core.ArcGis.Retries");
                ArcGisResilience.Configure(pipeline, settings, logger, context.ServiceProvider.GetRequiredService<TimeProvider>());
            });
        // Added after the resilience handler, so it sits inside it: a body cut off mid-read is retried.
        builder.AddHttpMessageHandler<ArcGisBufferingHandler>();
    }
}
