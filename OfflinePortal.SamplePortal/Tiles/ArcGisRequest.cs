using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// The ArcGIS REST request conventions the tile services share (SPEC §0): parameters from the query string or a
/// url-encoded form, names case-insensitive; <c>f=json|pjson</c>; errors as an envelope with HTTP 200; absolute URLs
/// built from the request so answers stay valid behind whatever prefix the portal is mounted under.
/// </summary>
internal sealed class ArcGisRequest
{
    // Property names are written exactly as declared: ArcGIS mixes camelCase with PascalCase (documentInfo.Title).
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null };
    private static readonly JsonSerializerOptions Indented = new(Compact) { WriteIndented = true };

    private readonly IQueryCollection _query;
    private readonly IFormCollection? _form;

    private ArcGisRequest(HttpContext context, IFormCollection? form)
    {
        Context = context;
        _query = context.Request.Query;
        _form = form;
    }

    public HttpContext Context { get; }

    public static async Task<ArcGisRequest> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        return new ArcGisRequest(context, form);
    }

    /// <summary>The value of a parameter (form first, then query), or null when absent or blank.</summary>
    public string? Get(string name)
    {
        var value = _form is not null && _form.TryGetValue(name, out var formValue) ? formValue : StringValues.Empty;
        if (StringValues.IsNullOrEmpty(value))
        {
            value = _query.TryGetValue(name, out var queryValue) ? queryValue : StringValues.Empty;
        }
        var text = value.ToString();
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    /// <summary>The requested output format, lower case; <paramref name="fallback"/> when absent.</summary>
    public string Format(string fallback = "json") => Get("f")?.ToLowerInvariant() ?? fallback;

    public bool IsJsonFormat => Format() is "json" or "pjson";

    public bool? GetBoolean(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        return text switch
        {
            "1" or "on" or "yes" => true,
            "0" or "off" or "no" => false,
            _ => throw new ArcGisRequestException($"'{name}' must be true or false.", $"Invalid value '{text}'."),
        };
    }

    public IResult Json(object body) =>
        Results.Json(body, Format() == "pjson" ? Indented : Compact, contentType: "application/json; charset=utf-8");

    /// <summary>The ArcGIS error envelope; HTTP 200 like ArcGIS, unless <paramref name="httpStatus"/> is given.</summary>
    public static IResult Error(int code, string message, IEnumerable<string>? details = null, int httpStatus = StatusCodes.Status200OK) =>
        Results.Json(
            new { error = new { code, message, details = details?.ToArray() ?? [] } },
            Compact,
            contentType: "application/json; charset=utf-8",
            statusCode: httpStatus);

    /// <summary>Absolute URL of <c>{prefix}/arcgis/rest</c> for this request (prefix = wherever the portal is mounted).</summary>
    public string RestRoot
    {
        get
        {
            var request = Context.Request;
            var path = request.Path.Value ?? string.Empty;
            var index = path.IndexOf("/arcgis/rest/", StringComparison.OrdinalIgnoreCase);
            var prefix = index >= 0 ? path[..index] : string.Empty;
            return string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/arcgis/rest");
        }
    }

    public string ServiceUrl(string serviceName, string serviceType) => $"{RestRoot}/services/{serviceName}/{serviceType}";
}

/// <summary>A bad request parameter; turned into the ArcGIS error envelope (code 400) by the endpoints.</summary>
internal sealed class ArcGisRequestException(string message, params string[] details) : Exception(message)
{
    public IReadOnlyList<string> Details { get; } = details;
}
