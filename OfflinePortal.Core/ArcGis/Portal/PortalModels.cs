using System.Text.Json;
using OfflinePortal.Core.ArcGis.Json;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.ArcGis.Portal;

/// <summary>The portal's <c>/info</c>: where tokens come from and whether the portal uses token security.</summary>
public sealed record PortalInfo(Uri? TokenServicesUrl, bool IsTokenBasedSecurity, string? OwningSystemUrl)
{
    public string? CurrentVersion { get; init; }

    internal static PortalInfo Parse(JsonElement root)
    {
        var auth = root.Obj("authInfo");
        var tokenUrl = auth?.NonEmptyStr("tokenServicesUrl");
        return new PortalInfo(
            tokenUrl is not null && Uri.TryCreate(tokenUrl, UriKind.Absolute, out var u) ? u : null,
            auth?.Bool("isTokenBasedSecurity") ?? false,
            root.NonEmptyStr("owningSystemUrl"))
        {
            CurrentVersion = root.Str("currentVersion") ?? root.Str("fullVersion"),
        };
    }
}

/// <summary>The signed-in user as <c>portals/self</c> reports it.</summary>
public sealed record PortalUser(string Username)
{
    public string? FullName { get; init; }

    public string? Email { get; init; }

    public string? Role { get; init; }

    public string? OrgId { get; init; }

    public IReadOnlyList<string> Privileges { get; init; } = [];
}

/// <summary>The portal's <c>portals/self</c>: organisation properties and, when signed in, the user.</summary>
public sealed record PortalSelf
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? UrlKey { get; init; }

    public string? CustomBaseUrl { get; init; }

    public string? PortalHostname { get; init; }

    /// <summary>True for ArcGIS Enterprise, false for ArcGIS Online.</summary>
    public bool IsPortal { get; init; }

    public string? CurrentVersion { get; init; }

    public PortalUser? User { get; init; }

    /// <summary>The whole answer, for properties not modelled here.</summary>
    public JsonElement Raw { get; init; }

    internal static PortalSelf Parse(JsonElement root)
    {
        var user = root.Obj("user") is { } u && u.Str("username") is { } name
            ? new PortalUser(name)
            {
                FullName = u.Str("fullName"),
                Email = u.Str("email"),
                Role = u.Str("role"),
                OrgId = u.Str("orgId"),
                Privileges = u.StrArray("privileges"),
            }
            : null;
        return new PortalSelf
        {
            Id = root.Str("id"),
            Name = root.Str("name"),
            UrlKey = root.Str("urlKey"),
            CustomBaseUrl = root.Str("customBaseUrl"),
            PortalHostname = root.Str("portalHostname"),
            IsPortal = root.Bool("isPortal"),
            CurrentVersion = root.Str("currentVersion"),
            User = user,
            Raw = root.Clone(),
        };
    }
}

/// <summary>A portal item (<c>/content/items/{id}</c>, or one search result).</summary>
public sealed record PortalItem(string Id, string Title, string Type)
{
    public string? Owner { get; init; }

    public string? OrgId { get; init; }

    public DateTimeOffset? Created { get; init; }

    public DateTimeOffset? Modified { get; init; }

    public IReadOnlyList<string> TypeKeywords { get; init; } = [];

    /// <summary>HTML description, or null.</summary>
    public string? Description { get; init; }

    public string? Snippet { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The thumbnail path relative to the item's <c>info</c> folder, e.g. <c>thumbnail/ago_downloaded.png</c>.</summary>
    public string? Thumbnail { get; init; }

    /// <summary>The item's extent in WGS 84 (from <c>[[xmin,ymin],[xmax,ymax]]</c>); null when the item has none.</summary>
    public EsriEnvelope? Extent { get; init; }

    /// <summary>The item's spatial reference as the portal states it (a string such as <c>"102100"</c>).</summary>
    public string? SpatialReference { get; init; }

    public string? AccessInformation { get; init; }

    public string? LicenseInfo { get; init; }

    public string? Culture { get; init; }

    /// <summary>The service URL for service items; null for web maps.</summary>
    public string? Url { get; init; }

    /// <summary><c>private</c>, <c>shared</c>, <c>org</c> or <c>public</c>.</summary>
    public string? Access { get; init; }

    public long? Size { get; init; }

    public long? NumViews { get; init; }

    public bool Protected { get; init; }

    public string? OwnerFolder { get; init; }

    public bool IsWebMap => string.Equals(Type, "Web Map", StringComparison.OrdinalIgnoreCase);

    /// <summary>Offline-enabled web maps carry the <c>Offline</c> type keyword.</summary>
    public bool IsOfflineEnabled => TypeKeywords.Contains("Offline", StringComparer.OrdinalIgnoreCase);

    internal static PortalItem Parse(JsonElement item) =>
        new(item.Str("id") ?? "", item.Str("title") ?? "", item.Str("type") ?? "")
        {
            Owner = item.Str("owner"),
            OrgId = item.Str("orgId"),
            Created = item.EpochMs("created"),
            Modified = item.EpochMs("modified"),
            TypeKeywords = item.StrArray("typeKeywords"),
            Description = item.Str("description"),
            Snippet = item.Str("snippet"),
            Tags = item.StrArray("tags"),
            Thumbnail = item.NonEmptyStr("thumbnail"),
            Extent = ParseExtent(item.Prop("extent")),
            SpatialReference = item.NonEmptyStr("spatialReference"),
            AccessInformation = item.Str("accessInformation"),
            LicenseInfo = item.Str("licenseInfo"),
            Culture = item.Str("culture"),
            Url = item.NonEmptyStr("url"),
            Access = item.Str("access"),
            Size = item.Int64("size"),
            NumViews = item.Int64("numViews"),
            Protected = item.Bool("protected"),
            OwnerFolder = item.NonEmptyStr("ownerFolder"),
        };

    private static EsriEnvelope? ParseExtent(JsonElement? extent)
    {
        if (extent is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() != 2)
        {
            return null;
        }
        var corners = array.EnumerateArray().Select(c => c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Select(JsonElementExtensions.AsDouble).ToList() : []).ToList();
        if (corners.Any(c => c.Count < 2 || c[0] is null || c[1] is null))
        {
            return null;
        }
        return new EsriEnvelope(corners[0][0]!.Value, corners[0][1]!.Value, corners[1][0]!.Value, corners[1][1]!.Value)
        {
            SpatialReference = Model.SpatialReference.Wgs84,
        };
    }
}

/// <summary>Sort fields of the portal search.</summary>
public enum PortalSortField
{
    Relevance,
    Title,
    Created,
    Modified,
    NumViews,
    Owner,
    Type,
    AvgRating,
    NumComments,
}

/// <summary>
/// A raw portal search (<c>/search</c>). <see cref="Start"/> is 1-based; <see cref="Num"/> is at most 100.
/// </summary>
public sealed record PortalSearchRequest(string Query)
{
    public PortalSortField SortField { get; init; } = PortalSortField.Relevance;

    public bool Descending { get; init; }

    public int Start { get; init; } = 1;

    public int Num { get; init; } = 20;

    /// <summary>WGS 84 filter <c>xmin,ymin,xmax,ymax</c>.</summary>
    public EsriEnvelope? BoundingBox { get; init; }

    /// <summary>Further parameters (<c>categories</c>, <c>filter</c> …).</summary>
    public IReadOnlyDictionary<string, string>? AdditionalParameters { get; init; }
}

/// <summary>What to look for when searching web maps; every part is optional and parts combine with AND.</summary>
public sealed record WebMapSearchCriteria
{
    /// <summary>Free text (title, tags, description …), passed to the search as the user typed it.</summary>
    public string? Text { get; init; }

    public string? Owner { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? OrgId { get; init; }

    public string? GroupId { get; init; }

    /// <summary>Only web maps whose author enabled offline use (type keyword <c>Offline</c>).</summary>
    public bool OfflineEnabledOnly { get; init; }

    public PortalSortField SortField { get; init; } = PortalSortField.Modified;

    public bool Descending { get; init; } = true;

    public int Start { get; init; } = 1;

    public int Num { get; init; } = 20;
}

/// <summary>One page of search results. <see cref="NextStart"/> is -1 on the last page.</summary>
public sealed record PortalSearchPage(string? Query, long Total, int Start, int Num, int NextStart, IReadOnlyList<PortalItem> Results)
{
    public bool HasMore => NextStart > 0;

    internal static PortalSearchPage Parse(JsonElement root) =>
        new(root.Str("query"), root.Int64("total") ?? 0, root.Int32("start") ?? 1, root.Int32("num") ?? 0, root.Int32("nextStart") ?? -1,
            root.Array("results").Where(r => r.ValueKind == JsonValueKind.Object).Select(PortalItem.Parse).ToList());
}
