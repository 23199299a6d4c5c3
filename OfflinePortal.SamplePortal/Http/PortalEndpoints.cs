using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OfflinePortal.SamplePortal.Data;
using OfflinePortal.SamplePortal.Portal;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>The Sharing API: info, generateToken, portals/self, search, items, item data and thumbnails; plus the services catalog.</summary>
internal sealed class PortalEndpoints(PortalCatalog catalog, TokenService tokens, IOptions<SamplePortalOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, byte[]> _thumbnails = new(StringComparer.OrdinalIgnoreCase);

    public void Map(EndpointMapper m)
    {
        m.GetOrPost("/sharing/rest", r => ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new { currentVersion = "2024.2" }));
        m.GetOrPost("/sharing/rest/info", Info);
        m.PostOnly("/sharing/rest/generateToken", GenerateToken);
        m.GetOrPost("/sharing/rest/portals/self", PortalSelf);
        m.GetOrPost("/sharing/rest/community/self", CommunitySelf);
        m.GetOrPost("/sharing/rest/search", Search);
        m.GetOrPost("/sharing/rest/content/items/{itemId}", Item);
        m.GetOrPost("/sharing/rest/content/items/{itemId}/data", ItemData);
        m.GetOnly("/sharing/rest/content/items/{itemId}/info/{**file}", ItemInfoFile);
        m.GetOrPost("/arcgis/rest/info", ServerInfo);
        m.GetOrPost("/arcgis/rest/services", ServicesCatalog);
    }

    private Task Info(ArcGisRequest r) => ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new
    {
        owningSystemUrl = r.BaseUrl,
        authInfo = new { tokenServicesUrl = r.PortalUrl + "/generateToken", isTokenBasedSecurity = tokens.Enabled },
    });

    private Task ServerInfo(ArcGisRequest r) => ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new
    {
        currentVersion = 11.3,
        fullVersion = "11.3.0",
        owningSystemUrl = r.BaseUrl,
        owningTenant = PortalCatalog.OrgId,
        authInfo = new { isTokenBasedSecurity = tokens.Enabled, tokenServicesUrl = r.PortalUrl + "/generateToken" },
    });

    private Task ServicesCatalog(ArcGisRequest r) => ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new
    {
        currentVersion = 11.3,
        folders = Array.Empty<string>(),
        services = SampleSchema.Services.Select(s => new { name = s.Name, type = "FeatureServer", url = $"{r.ServicesUrl}/{s.Name}/FeatureServer" })
            .Concat(
            [
                new { name = "Basemap", type = "MapServer", url = $"{r.ServicesUrl}/Basemap/MapServer" },
                new { name = "Hillshade", type = "MapServer", url = $"{r.ServicesUrl}/Hillshade/MapServer" },
                new { name = "WaterNetwork", type = "MapServer", url = $"{r.ServicesUrl}/WaterNetwork/MapServer" },
                new { name = "BasemapVector", type = "VectorTileServer", url = $"{r.ServicesUrl}/BasemapVector/VectorTileServer" },
            ]),
    });

    private Task GenerateToken(ArcGisRequest r)
    {
        var minutes = r.GetInt("expiration", 1, 60 * 24 * 365);
        var issued = tokens.Issue(r.Get("username"), r.Get("password"), minutes is { } m ? TimeSpan.FromMinutes(m) : null)
            ?? throw new ArcGisException(400, "Unable to generate token.", "Invalid username or password.");
        return ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new
        {
            token = issued.Token,
            expires = issued.Expires.ToUnixTimeMilliseconds(),
            ssl = string.Equals(r.Context.Request.Scheme, "https", StringComparison.OrdinalIgnoreCase),
        });
    }

    private object? User(ArcGisRequest r) => tokens.UserOf(r.Token) is { } user ? new
    {
        username = user,
        fullName = user,
        email = user + "@example.org",
        orgId = PortalCatalog.OrgId,
        role = "org_admin",
        privileges = new[] { "portal:user:createItem", "features:user:edit", "features:user:fullEdit" },
        created = time.GetUtcNow().AddDays(-30).ToUnixTimeMilliseconds(),
    } : null;

    private Task PortalSelf(ArcGisRequest r) => ArcGisResponse.WriteObjectAsync(r.Context, r.Format, new
    {
        id = PortalCatalog.OrgId,
        name = options.Value.PortalName,
        urlKey = "ashlandwater",
        isPortal = false,
        portalName = "ArcGIS Online (sample)",
        portalHostname = r.Context.Request.Host.Value,
        customBaseUrl = r.Context.Request.Host.Value,
        currentVersion = "2024.2",
        culture = "en",
        region = "US",
        units = "english",
        allSSL = false,
        supportsOAuth = false,
        defaultExtent = new
        {
            xmin = SampleDataGenerator.MinLon, ymin = SampleDataGenerator.MinLat, xmax = SampleDataGenerator.MaxLon, ymax = SampleDataGenerator.MaxLat,
            spatialReference = new { wkid = 4326 },
        },
        helperServices = new { },
        user = User(r),
    });

    private Task CommunitySelf(ArcGisRequest r) =>
        User(r) is { } user ? ArcGisResponse.WriteObjectAsync(r.Context, r.Format, user)
            : throw new ArcGisException(499, "Token Required", "Token Required") { MessageCode = "GWM_0003" };

    private Task Search(ArcGisRequest r)
    {
        var q = r.Get("q") ?? throw new ArcGisException(400, "Unable to search.", "'q' parameter is required.");
        Func<PortalItem, bool> predicate;
        try
        {
            predicate = SearchQuery.Parse(q);
        }
        catch (FormatException e)
        {
            throw new ArcGisException(400, "Unable to search.", e.Message);
        }
        var start = r.GetInt("start", 1) ?? 1;
        var num = r.GetInt("num", 0) ?? 10;
        num = Math.Min(num, 100);
        var matches = catalog.Items.Where(predicate);
        var sortField = r.Get("sortField")?.ToLowerInvariant();
        var desc = r.GetEnum("sortOrder", "asc", "asc", "desc") == "desc";
        if (sortField is not null)
        {
            Func<PortalItem, IComparable> key = sortField switch
            {
                "title" => i => i.Title.ToLowerInvariant(),
                "created" => i => i.Created,
                "modified" => i => i.Modified,
                "type" => i => i.Type.ToLowerInvariant(),
                "owner" => i => i.Owner.ToLowerInvariant(),
                "numviews" => i => i.NumViews,
                "avgrating" or "numcomments" or "numratings" => _ => 0,
                _ => throw ArcGisException.BadParameter("sortField", $"'{sortField}' cannot be sorted on; use title, created, modified, type, owner or numViews."),
            };
            matches = desc ? matches.OrderByDescending(key).ThenBy(i => i.Id, StringComparer.Ordinal) : matches.OrderBy(key).ThenBy(i => i.Id, StringComparer.Ordinal);
        }
        var all = matches.ToList();
        var page = all.Skip(start - 1).Take(num).ToList();
        var next = num > 0 && start - 1 + num < all.Count ? start + num : -1;
        return ArcGisResponse.WriteAsync(r.Context, r.Format, w =>
        {
            w.WriteStartObject();
            w.WriteString("query", q);
            w.WriteNumber("total", all.Count);
            w.WriteNumber("start", start);
            w.WriteNumber("num", num);
            w.WriteNumber("nextStart", next);
            w.WriteStartArray("results");
            foreach (var item in page)
            {
                PortalCatalog.WriteItem(w, item, r.ServicesUrl);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private PortalItem FindItem(ArcGisRequest r)
    {
        var id = (string)r.Context.Request.RouteValues["itemId"]!;
        return catalog.Find(id) ?? throw new ArcGisException(400, "Item does not exist or is inaccessible.", $"Item '{id}' does not exist or is inaccessible.") { MessageCode = "CONT_0001" };
    }

    private Task Item(ArcGisRequest r)
    {
        var item = FindItem(r);
        return ArcGisResponse.WriteAsync(r.Context, r.Format, w => PortalCatalog.WriteItem(w, item, r.ServicesUrl));
    }

    private Task ItemData(ArcGisRequest r)
    {
        var item = FindItem(r);
        var data = item.Data(r.ServicesUrl);
        var format = r.Format == "pjson" ? "pjson" : "json";
        return ArcGisResponse.WriteAsync(r.Context, format, w =>
        {
            if (data is null)
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
            else
            {
                data.WriteTo(w);
            }
        });
    }

    private async Task ItemInfoFile(ArcGisRequest r)
    {
        var item = FindItem(r);
        var file = (string?)r.Context.Request.RouteValues["file"];
        if (!string.Equals(file, item.Thumbnail, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArcGisException(404, "File not found.", $"The item has no file '{file}'.");
        }
        var png = _thumbnails.GetOrAdd(item.Id, _ => SampleMedia.Thumbnail(item.Title, item.Type));
        r.Context.Response.ContentType = "image/png";
        r.Context.Response.ContentLength = png.Length;
        r.Context.Response.Headers.CacheControl = "public, max-age=" + 3600.ToString(CultureInfo.InvariantCulture);
        await r.Context.Response.Body.WriteAsync(png, r.Aborted).ConfigureAwait(false);
    }

}
