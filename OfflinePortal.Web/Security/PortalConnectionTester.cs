using System.Globalization;
using System.Text.Json;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Web.Security;

/// <summary>One request of a connection test and what the portal answered.</summary>
public sealed record PortalConnectionTestStep(string Request, string Status, string Body);

public sealed record PortalConnectionTestResult(bool Success, string Summary, IReadOnlyList<PortalConnectionTestStep> Steps);

/// <summary>
/// "Test connection": <c>sharing/rest/info</c>, then <c>generateToken</c> for a user name and password, then
/// <c>portals/self</c> with the credential. It uses a plain HTTP client rather than Core's ArcGIS client on purpose: the
/// admin must see what the portal answered to each request (status and body, even an HTML page or an ArcGIS error that
/// Core's client turns into an exception), with no retries that would hide a slow or flaky portal. The token from
/// generateToken is never shown.
/// </summary>
public sealed class PortalConnectionTester(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "portal-connection-test";

    public async Task<PortalConnectionTestResult> TestAsync(PortalConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var http = httpClients.CreateClient(HttpClientName);
        var root = connection.PortalUrl.ToString().TrimEnd('/') + "/sharing/rest";
        var steps = new List<PortalConnectionTestStep>();
        try
        {
            var (infoOk, _) = await SendAsync(http, steps, "GET info", new HttpRequestMessage(HttpMethod.Get, $"{root}/info?f=json"), cancellationToken);
            if (!infoOk)
            {
                return new(false, $"{connection.PortalUrl} did not answer as an ArcGIS portal.", steps);
            }
            string? token = connection.Authentication == PortalAuthenticationKind.ApiKey ? connection.ApiKey : null;
            if (connection.Authentication == PortalAuthenticationKind.UsernamePassword)
            {
                using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["username"] = connection.Username ?? "",
                    ["password"] = connection.Password ?? "",
                    ["client"] = "referer",
                    ["referer"] = connection.PortalUrl.GetLeftPart(UriPartial.Authority),
                    ["expiration"] = "60",
                    ["f"] = "json",
                });
                var (tokenOk, body) = await SendAsync(http, steps, "POST generateToken", new HttpRequestMessage(HttpMethod.Post, $"{root}/generateToken") { Content = form }, cancellationToken, redact: true);
                if (!tokenOk || body?.RootElement.TryGetProperty("token", out var t) != true)
                {
                    return new(false, "The portal refused the user name and password.", steps);
                }
                token = t.GetString();
            }
            var selfUrl = $"{root}/portals/self?f=json" + (token is null ? "" : "&token=" + Uri.EscapeDataString(token));
            var (selfOk, _) = await SendAsync(http, steps, "GET portals/self", new HttpRequestMessage(HttpMethod.Get, selfUrl), cancellationToken);
            return selfOk
                ? new(true, $"Connected to {connection.PortalUrl}{(token is null ? " anonymously" : " with the credential")}.", steps)
                : new(false, "The portal answered info but not portals/self with this credential.", steps);
        }
        catch (HttpRequestException ex)
        {
            steps.Add(new("request", "no answer", ex.Message));
            return new(false, $"Could not reach {connection.PortalUrl}: {ex.Message}", steps);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(false, $"{connection.PortalUrl} did not answer in time.", steps);
        }
    }

    private static async Task<(bool Ok, JsonDocument? Body)> SendAsync(
        HttpClient http, List<PortalConnectionTestStep> steps, string name, HttpRequestMessage request, CancellationToken cancellationToken, bool redact = false)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonDocument? json = null;
            try
            {
                json = JsonDocument.Parse(text);
            }
            catch (JsonException)
            {
            }
            // ArcGIS reports errors as HTTP 200 with an "error" object.
            var arcGisError = json?.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out _);
            var ok = response.IsSuccessStatusCode && json is not null && !arcGisError;
            var shown = redact && ok ? "{ \"token\": \"(hidden)\" }" : text.Length > 4000 ? text[..4000] + " …" : text;
            steps.Add(new(name, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}{(arcGisError ? " with an ArcGIS error" : "")}"), shown));
            return (ok, json);
        }
    }
}
