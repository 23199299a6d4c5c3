using System.Text.Json.Nodes;

namespace OfflinePortal.SamplePortal.Portal;

/// <summary>A portal item. <see cref="Url"/> and <see cref="Data"/> take the services URL of the request, so answers carry absolute URLs.</summary>
internal sealed record PortalItem
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Type { get; init; }

    public IReadOnlyList<string> TypeKeywords { get; init; } = [];

    public string Owner { get; init; } = PortalCatalog.Owner;

    public string OrgId { get; init; } = PortalCatalog.OrgId;

    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? Snippet { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> Groups { get; init; } = [];

    public long Created { get; init; }

    public long Modified { get; init; }

    public string Access { get; init; } = "public";

    public int NumViews { get; init; }

    /// <summary>[[xmin,ymin],[xmax,ymax]] in WGS84, or empty.</summary>
    public double[][] Extent { get; init; } = [];

    public Func<string, string?> Url { get; init; } = _ => null;

    public Func<string, JsonNode?> Data { get; init; } = _ => null;

    /// <summary>Extra item JSON loaded from a file: copied over the generated fields.</summary>
    public JsonObject? Overrides { get; init; }

    public string Thumbnail => "thumbnail/thumbnail.png";
}
