using System.Globalization;

namespace OfflinePortal.Core.ArcGis.Http;

/// <summary>One ArcGIS REST call: URL, parameters (query for GET, form for POST), credential and retry policy.</summary>
internal sealed class ArcGisRequest(Uri url, string operation)
{
    public Uri Url { get; } = url;

    /// <summary>Names the call in messages and logs (<c>query</c>, <c>createReplica</c> …).</summary>
    public string Operation { get; } = operation;

    public HttpMethod Method { get; init; } = HttpMethod.Get;

    public List<KeyValuePair<string, string?>> Parameters { get; } = [];

    public ArcGisCredential Credential { get; init; } = ArcGisCredential.Anonymous;

    /// <summary>
    /// False for calls that change server state and must not be repeated blindly (createReplica,
    /// synchronizeReplica): those are retried only when the request certainly never reached the server.
    /// </summary>
    public bool RetrySafe { get; init; } = true;

    /// <summary>A GET whose URL grows too long may be sent as a form POST instead (query, search).</summary>
    public bool AllowPostFallback { get; init; }

    /// <summary>Adds <c>f=json</c>.</summary>
    public bool AddFormatJson { get; init; } = true;

    /// <summary>Per-attempt timeout when the default one does not fit.</summary>
    public TimeSpan? AttemptTimeout { get; init; }

    /// <summary>Extra request headers (for example <c>Accept-Encoding</c> for vector tiles kept compressed).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A 404 answer (HTTP or envelope) means "nothing there" rather than an error (tiles).</summary>
    public bool NotFoundAsNull { get; init; }

    public ArcGisRequest Add(string name, string? value)
    {
        if (value is not null)
        {
            Parameters.Add(new(name, value));
        }
        return this;
    }

    public ArcGisRequest Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public ArcGisRequest Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public ArcGisRequest Add(string name, double? value) => Add(name, value is null ? null : ArcGisUrl.FormatInvariant(value.Value));

    public ArcGisRequest AddRange(IEnumerable<KeyValuePair<string, string?>>? parameters)
    {
        if (parameters is not null)
        {
            foreach (var (name, value) in parameters)
            {
                Add(name, value);
            }
        }
        return this;
    }
}
