using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OfflinePortal.Tests.Infrastructure;

namespace OfflinePortal.Tests.ArcGis;

/// <summary>A request the test server received.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>A parameter from the query string or the form.</summary>
    public string? Parameter(string name) =>
        Query.TryGetValue(name, out var q) ? q : Form.TryGetValue(name, out var f) ? f : null;
}

/// <summary>A programmed answer that takes precedence over a path's normal handler, once.</summary>
public abstract record Fault
{
    /// <summary>An HTTP status with a body (HTML by default).</summary>
    public static Fault Status(int status, string body = "<html><head><title>Server Error</title></head><body>oops</body></html>", string contentType = "text/html") =>
        new StatusFault(status, body, contentType);

    /// <summary>HTTP 200 with an HTML page (a sign-in page or a proxy error).</summary>
    public static Fault Html(string title = "ArcGIS Sign In") =>
        new StatusFault(200, $"<!DOCTYPE html><html><head><title>{title}</title></head><body><form>user/password</form></body></html>", "text/html; charset=utf-8");

    /// <summary>HTTP 200 JSON that ends cleanly but halfway through the document.</summary>
    public static Fault TruncatedJson(string json) => new TruncatedFault(json);

    /// <summary>Announces the whole body, sends half of it and drops the connection.</summary>
    public static Fault DropMidBody(string json) => new DropFault(json);

    /// <summary>Waits before handing the request to the path's normal handler.</summary>
    public static Fault Slow(TimeSpan delay) => new SlowFault(delay);

    /// <summary>A JSON body with a status.</summary>
    public static Fault Json(string json, int status = 200) => new StatusFault(status, json, "application/json; charset=utf-8");

    internal sealed record StatusFault(int StatusCode, string Body, string ContentType) : Fault;

    internal sealed record TruncatedFault(string Body) : Fault;

    internal sealed record DropFault(string Body) : Fault;

    internal sealed record SlowFault(TimeSpan Delay) : Fault;
}

/// <summary>
/// A loopback Kestrel server for client tests: serves fixture files or handlers at chosen paths (matched ignoring
/// case), answers programmed faults first, and records every request.
/// </summary>
public sealed class ArcGisTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private ArcGisTestServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<ArcGisTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new ArcGisTestServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public IReadOnlyList<RecordedRequest> RequestsTo(string path) =>
        _requests.Where(r => string.Equals(r.Path, Normalize(path), StringComparison.OrdinalIgnoreCase)).ToList();

    public void Map(string path, Func<HttpContext, Task> handler) => _handlers[Normalize(path)] = handler;

    public void MapJson(string path, string json, int status = 200) => Map(path, ctx => WriteAsync(ctx, status, "application/json; charset=utf-8", json));

    /// <summary>Serves a file of <c>shared/arcgis-rest/fixtures</c>.</summary>
    public void MapFixture(string path, string fixture) => MapFile(path, TestPaths.Fixture(fixture));

    /// <summary>Serves a file of <c>shared/research/koop-responses</c>.</summary>
    public void MapKoop(string path, string file) => MapFile(path, KoopFile(file));

    public void MapFile(string path, string file, string contentType = "application/json; charset=utf-8")
    {
        var bytes = File.ReadAllBytes(file);
        Map(path, ctx =>
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = contentType;
            ctx.Response.ContentLength = bytes.Length;
            return ctx.Response.Body.WriteAsync(bytes).AsTask();
        });
    }

    public void MapBytes(string path, byte[] bytes, string contentType, string? contentEncoding = null) =>
        Map(path, async ctx =>
        {
            ctx.Response.ContentType = contentType;
            if (contentEncoding is not null)
            {
                ctx.Response.Headers.ContentEncoding = contentEncoding;
            }
            ctx.Response.ContentLength = bytes.Length;
            await ctx.Response.Body.WriteAsync(bytes);
        });

    public void Enqueue(string path, params Fault[] faults)
    {
        var queue = _faults.GetOrAdd(Normalize(path), _ => new ConcurrentQueue<Fault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public static string KoopFile(string name) => Path.Combine(TestPaths.Shared, "research", "koop-responses", name);

    public static string FixtureText(string name) => File.ReadAllText(TestPaths.Fixture(name));

    public static Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Normalize(string path) => "/" + path.Trim('/');

    private async Task HandleAsync(HttpContext context)
    {
        var path = Normalize(context.Request.Path.Value ?? "/");
        var form = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (context.Request.HasFormContentType)
        {
            foreach (var (key, value) in await context.Request.ReadFormAsync())
            {
                form[key] = value.ToString();
            }
        }
        _requests.Enqueue(new RecordedRequest(
            context.Request.Method,
            path,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            form,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        if (_faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var fault))
        {
            switch (fault)
            {
                case Fault.StatusFault s:
                    await WriteAsync(context, s.StatusCode, s.ContentType, s.Body);
                    return;
                case Fault.TruncatedFault t:
                    var half = Encoding.UTF8.GetBytes(t.Body[..(t.Body.Length / 2)]);
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(half);
                    return;
                case Fault.DropFault d:
                    var all = Encoding.UTF8.GetBytes(d.Body);
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = all.Length;
                    await context.Response.Body.WriteAsync(all.AsMemory(0, all.Length / 2));
                    await context.Response.Body.FlushAsync();
                    // Let the client read the headers and the first half before the reset discards them.
                    await Task.Delay(150);
                    context.Abort();
                    return;
                case Fault.SlowFault slow:
                    try
                    {
                        await Task.Delay(slow.Delay, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    break;
            }
        }
        if (_handlers.TryGetValue(path, out var handler))
        {
            await handler(context);
            return;
        }
        await WriteAsync(context, 404, "text/html", "<html><head><title>404 Not Found</title></head></html>");
    }
}
