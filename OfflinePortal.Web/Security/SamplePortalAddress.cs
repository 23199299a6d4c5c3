using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Security;

/// <summary>
/// Where the mounted sample portal answers for the server itself: <c>Portal:SamplePortalUrl</c>, or the first address
/// the server listens on + <c>/sample</c> (wildcard hosts become loopback).
/// </summary>
public sealed class SamplePortalAddress(IServer server, IOptions<PortalOptions> options) : ISamplePortalAddress
{
    public const string MountPath = "/sample";

    public Uri? SamplePortalUrl
    {
        get
        {
            var o = options.Value;
            if (!o.SamplePortalEnabled)
            {
                return null;
            }
            if (!string.IsNullOrWhiteSpace(o.SamplePortalUrl))
            {
                return new Uri(o.SamplePortalUrl.TrimEnd('/'));
            }
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null)
            {
                return null;
            }
            var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
            if (builder.Host is "0.0.0.0" or "[::]" or "::")
            {
                builder.Host = "127.0.0.1";
            }
            builder.Path = MountPath;
            return builder.Uri;
        }
    }
}
