using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>An error answered as ArcGIS does: HTTP 200 with <c>{"error":{"code","message","details"}}</c>.</summary>
internal sealed class ArcGisException(int code, string message, params string[] details) : Exception(message)
{
    public int Code { get; } = code;

    public IReadOnlyList<string> Details { get; } = details;

    public string? MessageCode { get; init; }

    public static ArcGisException BadParameter(string name, string why) =>
        new(400, "Invalid or missing input parameters.", $"'{name}' parameter is invalid: {why}");
}

/// <summary>
/// The parameters of one request, from the form (POST) or the query string, with ArcGIS's leniency: names are
/// case-insensitive, booleans are "true"/"false" in any case, object parameters are JSON strings.
/// </summary>
internal sealed class ArcGisRequest
{
    private readonly IFormCollection? _form;

    private ArcGisRequest(HttpContext context, IFormCollection? form, string mountPrefix)
    {
        Context = context;
        _form = form;
        var r = context.Request;
        BaseUrl = $"{r.Scheme}://{r.Host}{r.PathBase}{mountPrefix}";
    }

    public HttpContext Context { get; }

    /// <summary>Absolute URL of the mount point, e.g. <c>http://127.0.0.1:5000/sample</c>.</summary>
    public string BaseUrl { get; }

    public string PortalUrl => BaseUrl + "/sharing/rest";

    public string ServicesUrl => BaseUrl + "/arcgis/rest/services";

    public CancellationToken Aborted => Context.RequestAborted;

    public IFormFileCollection? Files => _form?.Files;

    public static async Task<ArcGisRequest> ReadAsync(HttpContext context, string mountPrefix)
    {
        IFormCollection? form = null;
        if (context.Request.HasFormContentType)
        {
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                throw new ArcGisException(400, "Unable to read the request body.", ex.Message);
            }
        }
        return new ArcGisRequest(context, form, mountPrefix);
    }

    public string? Get(string name)
    {
        if (_form is not null && _form.TryGetValue(name, out var fv) && !StringValues.IsNullOrEmpty(fv))
        {
            return fv.ToString();
        }
        return Context.Request.Query.TryGetValue(name, out var qv) && !StringValues.IsNullOrEmpty(qv) ? qv.ToString() : null;
    }

    /// <summary>The first of several accepted spellings that is present (e.g. returnAttachmentsDataByUrl / returnAttachmentDatabyURL).</summary>
    public string? GetAny(params string[] names) => names.Select(Get).FirstOrDefault(v => v is not null);

    public string Format => (Get("f") ?? "html").ToLowerInvariant();

    public string? Token
    {
        get
        {
            var t = Get("token");
            if (t is not null)
            {
                return t;
            }
            foreach (var header in new[] { "X-Esri-Authorization", "Authorization" })
            {
                var h = Context.Request.Headers[header].ToString();
                if (h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                {
                    return h[7..].Trim();
                }
            }
            return null;
        }
    }

    public bool GetBool(string name, bool defaultValue) => GetBoolAny(defaultValue, name);

    public bool GetBoolAny(bool defaultValue, params string[] names)
    {
        var v = GetAny(names);
        if (v is null)
        {
            return defaultValue;
        }
        if (bool.TryParse(v.Trim(), out var b))
        {
            return b;
        }
        return v.Trim() switch
        {
            "1" or "on" or "yes" => true,
            "0" or "off" or "no" => false,
            _ => throw ArcGisException.BadParameter(names[0], $"'{v}' is not true or false."),
        };
    }

    public long? GetLong(string name, long min = long.MinValue, long max = long.MaxValue)
    {
        var v = Get(name);
        if (v is null)
        {
            return null;
        }
        if (!long.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            throw ArcGisException.BadParameter(name, $"'{Truncate(v)}' is not an integer.");
        }
        if (n < min || n > max)
        {
            throw ArcGisException.BadParameter(name, $"{n} is outside {min}..{max}.");
        }
        return n;
    }

    public int? GetInt(string name, int min = int.MinValue, int max = int.MaxValue) => (int?)GetLong(name, min, max);

    /// <summary>One of <paramref name="allowed"/>, matched case-insensitively and returned in its canonical spelling.</summary>
    public string GetEnum(string name, string defaultValue, params string[] allowed)
    {
        var v = Get(name);
        if (v is null)
        {
            return defaultValue;
        }
        return allowed.FirstOrDefault(a => string.Equals(a, v.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw ArcGisException.BadParameter(name, $"'{Truncate(v)}' is not one of {string.Join(", ", allowed)}.");
    }

    public JsonElement? GetJson(string name)
    {
        var v = Get(name);
        if (v is null)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(v, new JsonDocumentOptions { MaxDepth = 64 });
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ArcGisException.BadParameter(name, "not valid JSON (" + ex.Message + ").");
        }
    }

    public IReadOnlyList<long>? GetIdList(string name)
    {
        var v = Get(name);
        if (v is null)
        {
            return null;
        }
        var ids = new List<long>();
        foreach (var part in v.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                throw ArcGisException.BadParameter(name, $"'{Truncate(part)}' is not an object id.");
            }
            ids.Add(id);
        }
        return ids;
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..60] + "…" : s;
}

/// <summary>Writes answers in the requested format: <c>json</c>, <c>pjson</c> (indented) or an HTML page for <c>html</c>.</summary>
internal static class ArcGisResponse
{
    public static async Task WriteAsync(HttpContext ctx, string format, Action<Utf8JsonWriter> body, int statusCode = 200)
    {
        var pretty = format is "pjson" or "html";
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, SkipValidation = false }))
        {
            body(w);
        }
        ctx.Response.StatusCode = statusCode;
        if (format == "html")
        {
            var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>ArcGIS REST (sample)</title></head><body><pre>"
                + WebUtility.HtmlEncode(Encoding.UTF8.GetString(buffer.WrittenSpan)) + "</pre></body></html>");
            ctx.Response.ContentType = "text/html; charset=utf-8";
            ctx.Response.ContentLength = html.Length;
            await ctx.Response.Body.WriteAsync(html, ctx.RequestAborted).ConfigureAwait(false);
            return;
        }
        ctx.Response.ContentType = format == "geojson" ? "application/geo+json; charset=utf-8" : "application/json; charset=utf-8";
        ctx.Response.ContentLength = buffer.WrittenCount;
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static Task WriteObjectAsync(HttpContext ctx, string format, object value) =>
        WriteAsync(ctx, format, w => JsonSerializer.Serialize(w, value, value.GetType(), Options));

    public static Task WriteErrorAsync(HttpContext ctx, string format, ArcGisException e, int httpStatus = 200) =>
        WriteAsync(ctx, format is "pjson" or "html" ? format : "json", w => WriteError(w, e.Code, e.Message, e.Details, e.MessageCode), httpStatus);

    public static void WriteError(Utf8JsonWriter w, int code, string message, IReadOnlyList<string> details, string? messageCode = null)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        if (messageCode is not null)
        {
            w.WriteString("messageCode", messageCode);
        }
        w.WriteStartArray("details");
        foreach (var d in details)
        {
            w.WriteStringValue(d);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Writes a stored attribute value (long, double, string or null) as JSON.</summary>
    public static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null:
                w.WriteNullValue();
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case byte[] b:
                w.WriteBase64StringValue(b);
                break;
            default:
                w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture));
                break;
        }
    }
}
