using System.Text.Json;
using OfflinePortal.SamplePortal;

namespace OfflinePortal.Tests.SamplePortal;

/// <summary>Small HTTP helpers over a running <see cref="SamplePortalServer"/>: GET/POST with f=json and JSON answers.</summary>
public sealed class SamplePortalClient(SamplePortalServer server) : IDisposable
{
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public SamplePortalServer Server => server;

    public string Fs(string service) => $"{server.ServicesUrl}/{service}/FeatureServer";

    public async Task<JsonElement> GetAsync(string url, params (string Key, string Value)[] query)
    {
        var q = string.Join("&", query.Append(("f", "json")).Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
        var text = await Http.GetStringAsync(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + q);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> PostAsync(string url, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Append(("f", "json")).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2)));
        using var response = await Http.PostAsync(url, content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public static int ErrorCode(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("error", out var err) ? err.GetProperty("code").GetInt32() : 0;

    public async Task<long> CountAsync(string service, int layer, string where = "1=1") =>
        (await GetAsync($"{Fs(service)}/{layer}/query", ("where", where), ("returnCountOnly", "true"))).GetProperty("count").GetInt64();

    public void Dispose() => Http.Dispose();
}
