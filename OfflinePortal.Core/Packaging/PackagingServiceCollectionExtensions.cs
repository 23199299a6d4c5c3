using Microsoft.Extensions.DependencyInjection;
using OfflinePortal.Core.Packaging;

namespace Microsoft.Extensions.DependencyInjection;

public static class PackagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stateless package services (manifest writer and reader, zip streamer). The file writers
    /// (<see cref="FeatureGeoPackageWriter"/>, <see cref="TileGeoPackageWriter"/>, <see cref="MbTilesWriter"/>) are
    /// created per file with their static <c>Create</c> methods.
    /// </summary>
    public static IServiceCollection AddPackaging(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<PackageManifestWriter>();
        services.AddSingleton<PackageManifestReader>();
        services.AddSingleton<PackageZipStreamer>();
        return services;
    }
}
