using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>Maps handlers that take an <see cref="ArcGisRequest"/> and turns every refusal into ArcGIS's error envelope.</summary>
internal sealed class EndpointMapper(IEndpointRouteBuilder group, string prefix, ILogger logger)
{
    private static readonly string[] GetPost = ["GET", "POST"];
    private static readonly string[] Post = ["POST"];
    private static readonly string[] Get = ["GET"];

    public string Prefix => prefix;

    public void GetOrPost(string pattern, Func<ArcGisRequest, Task> handler) => Map(pattern, GetPost, handler);

    public void GetOnly(string pattern, Func<ArcGisRequest, Task> handler) => Map(pattern, Get, handler);

    /// <summary>POST-only operations answer a GET with an error envelope, as the services directory does.</summary>
    public void PostOnly(string pattern, Func<ArcGisRequest, Task> handler)
    {
        Map(pattern, Post, handler);
        Map(pattern, Get, r => throw new ArcGisException(405, "This operation is only supported via POST.", "Method not allowed: GET."));
    }

    private void Map(string pattern, string[] methods, Func<ArcGisRequest, Task> handler) =>
        group.MapMethods(pattern, methods, (RequestDelegate)(ctx => RunAsync(ctx, handler)));

    private async Task RunAsync(HttpContext ctx, Func<ArcGisRequest, Task> handler)
    {
        var format = "json";
        try
        {
            var request = await ArcGisRequest.ReadAsync(ctx, prefix).ConfigureAwait(false);
            format = request.Format;
            if (format is not ("json" or "pjson" or "html" or "geojson" or "image"))
            {
                throw ArcGisException.BadParameter("f", $"format '{format}' is not supported; use json or pjson.");
            }
            await handler(request).ConfigureAwait(false);
        }
        catch (ArcGisException e)
        {
            await ArcGisResponse.WriteErrorAsync(ctx, format, e).ConfigureAwait(false);
        }
        catch (WhereClauseException e)
        {
            await ArcGisResponse.WriteErrorAsync(ctx, format, new ArcGisException(400, "Unable to complete operation.", "'where' parameter is invalid", e.Message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or ArgumentException)
        {
            logger.LogDebug(e, "Bad request to {Path}", ctx.Request.Path);
            await ArcGisResponse.WriteErrorAsync(ctx, format, new ArcGisException(400, "Unable to complete operation.", e.Message)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
