using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OfflinePortal.SamplePortal.Http;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// The sample portal's map and tile services: <c>Basemap/MapServer</c> and <c>Hillshade/MapServer</c> (tiled),
/// <c>WaterNetwork/MapServer</c> (dynamic) and <c>BasemapVector/VectorTileServer</c>, all under
/// <c>{prefix}/arcgis/rest/services</c>, with their job outputs under <c>{prefix}/arcgis/rest/directories/arcgisoutput</c>.
/// </summary>
public static class SampleTileEndpoints
{
    /// <summary>Registers the renderers, the tile cache, the export jobs and <see cref="SampleTileOptions"/>.</summary>
    public static IServiceCollection AddSampleTileServices(this IServiceCollection services)
    {
        services.AddOptions<SampleTileOptions>()
            .BindConfiguration(SampleTileOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SamplePortalOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SampleTileCache>();
        services.TryAddSingleton<SampleDataVersion>();
        services.TryAddSingleton<SampleTileRenderer>();
        services.TryAddSingleton<DynamicExport>();
        services.TryAddSingleton<ExportImageStore>();
        services.TryAddSingleton<TileJobService>();
        // TryAddEnumerable keeps one runner when this is called twice (the job service is one singleton).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TileJobService>(sp => sp.GetRequiredService<TileJobService>()));
        return services;
    }

    /// <summary>
    /// Maps the services on <paramref name="group"/>, the group at the portal's mount <paramref name="prefix"/>
    /// (e.g. <c>/sample</c>); answers carry absolute URLs under that prefix.
    /// </summary>
    public static RouteGroupBuilder MapSampleTileServices(this RouteGroupBuilder group, string prefix)
    {
        prefix = "/" + prefix.Trim('/');
        var logger = ((IEndpointRouteBuilder)group).ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("OfflinePortal.SamplePortal.Tiles");
        var mapper = new EndpointMapper(group, prefix, logger);
        foreach (var service in TiledService.All)
        {
            MapTiledService(mapper, service);
        }
        MapDynamicService(mapper);
        return group;
    }

    private static void MapTiledService(EndpointMapper mapper, TiledService service)
    {
        var root = $"arcgis/rest/services/{service.Name}/{service.Type}";

        mapper.GetOrPost(root, r => WriteAsync(r, service.Kind == TileKind.Vector
            ? ServiceJson.VectorTileServer(service, Options(r).MaxExportTilesCount)
            : ServiceJson.TiledMapServer(service, Options(r).MaxExportTilesCount)));

        mapper.GetOnly($"{root}/tile/{{level}}/{{row}}/{{col}}", r => TileAsync(r, service));

        mapper.GetOnly($"{root}/tilemap/{{level}}/{{row}}/{{col}}/{{width}}/{{height}}", r =>
            WriteAsync(r, TileMap(service, Route(r, "level"), Route(r, "row"), Route(r, "col"), Route(r, "width"), Route(r, "height"))));

        foreach (var kind in new[] { TileJobKind.ExportTiles, TileJobKind.EstimateExportTilesSize })
        {
            var operation = kind == TileJobKind.ExportTiles ? "exportTiles" : "estimateExportTilesSize";
            mapper.GetOrPost($"{root}/{operation}", r =>
            {
                if (!service.ExportTilesAllowed)
                {
                    throw new ArcGisException(400, $"Export tiles is not allowed for {service.Name}:{service.Type}.", "exportTilesAllowed is false for this service.");
                }
                var job = Service<TileJobService>(r).Submit(service, kind, ExportTilesRequest.Parse(r, service.Scheme)).Snapshot();
                return WriteAsync(r, new { jobId = job.Id, jobStatus = job.Status, status = job.Status });
            });
        }

        // ArcGIS documents both jobs/{id} and {operation}/jobs/{id}; clients use either, some append /status.
        foreach (var jobsRoot in new[] { $"{root}/jobs", $"{root}/exportTiles/jobs", $"{root}/estimateExportTilesSize/jobs" })
        {
            mapper.GetOnly($"{jobsRoot}/{{jobId}}", r => WriteAsync(r, JobStatus(FindJob(r, service))));
            mapper.GetOnly($"{jobsRoot}/{{jobId}}/status", r => WriteAsync(r, JobStatus(FindJob(r, service))));
            mapper.GetOnly($"{jobsRoot}/{{jobId}}/results/{{parameter}}", r => WriteAsync(r, JobResult(r, service, FindJob(r, service), Route(r, "parameter"))));
            mapper.GetOnly($"{jobsRoot}/{{jobId}}/inputs/{{parameter}}", r => WriteAsync(r, JobInput(FindJob(r, service), Route(r, "parameter"))));
        }

        var output = $"arcgis/rest/directories/arcgisoutput/{service.OutputFolder}/_ags_{{jobId}}";
        mapper.GetOnly(output, r =>
        {
            if (Service<TileJobService>(r).Find(service, Route(r, "jobId"))?.Snapshot() is not { Succeeded: true } job)
            {
                throw new ArcGisException(404, $"Output folder _ags_{Route(r, "jobId")} does not exist.");
            }
            var folderUrl = $"{r.BaseUrl}/arcgis/rest/directories/arcgisoutput/{service.OutputFolder}/_ags_{job.Id}";
            return WriteAsync(r, new
            {
                files = job.Files.Select(f => new { name = f.Name, url = $"{folderUrl}/{Uri.EscapeDataString(f.Name)}", size = f.Size }).ToArray(),
                folders = Array.Empty<object>(),
            });
        });
        mapper.GetOnly($"{output}/{{fileName}}", r =>
        {
            var fileName = Route(r, "fileName");
            return Service<TileJobService>(r).FilePath(service, Route(r, "jobId"), fileName) is { } path
                ? Results.File(path, "application/zip", fileName).ExecuteAsync(r.Context)
                : ArcGisResponse.WriteErrorAsync(r.Context, "json", new ArcGisException(404, $"File {fileName} does not exist."), StatusCodes.Status404NotFound);
        });

        if (service.Kind == TileKind.Vector)
        {
            foreach (var stylePath in new[] { $"{root}/resources/styles", $"{root}/resources/styles/root.json" })
            {
                mapper.GetOnly(stylePath, r => ArcGisResponse.WriteObjectAsync(r.Context, "json", VectorStyleJson.Root()));
            }
        }
    }

    private static void MapDynamicService(EndpointMapper mapper)
    {
        const string root = $"arcgis/rest/services/{DynamicMapJson.ServiceName}/MapServer";
        const string outputFolder = $"{DynamicMapJson.ServiceName}_MapServer";

        mapper.GetOnly(root, r => WriteAsync(r, DynamicMapJson.Root(Options(r).MaxExportTilesCount)));

        mapper.GetOnly($"{root}/layers", r => WriteAsync(r, new
        {
            layers = SampleLayers.All.Select(DynamicMapJson.Layer).ToArray(),
            tables = Array.Empty<object>(),
        }));

        mapper.GetOnly($"{root}/{{layerId:int}}", r =>
        {
            var layerId = int.Parse(Route(r, "layerId"), CultureInfo.InvariantCulture);
            return SampleLayers.All.FirstOrDefault(l => l.Id == layerId) is { } layer
                ? WriteAsync(r, DynamicMapJson.Layer(layer))
                : throw new ArcGisException(400, string.Create(CultureInfo.InvariantCulture, $"Layer {layerId} does not exist."), "Layers are 0 to 3.");
        });

        mapper.GetOrPost($"{root}/export", async r =>
        {
            var format = r.Get("f") is null ? "json" : r.Format;
            if (format is not ("image" or "json" or "pjson" or "html"))
            {
                throw new ArcGisException(400, $"Format '{format}' is not supported by export.", "Use f=image, f=json or f=pjson.");
            }
            var export = DynamicExport.Parse(r);
            var bytes = await Service<DynamicExport>(r).RenderAsync(export, r.Aborted);
            if (format == "image")
            {
                await Results.Bytes(bytes, export.ContentType).ExecuteAsync(r.Context);
                return;
            }
            var name = Service<ExportImageStore>(r).Add(new ExportedImage(bytes, export.ContentType));
            await ArcGisResponse.WriteObjectAsync(r.Context, format, new
            {
                href = $"{r.BaseUrl}/arcgis/rest/directories/arcgisoutput/{outputFolder}/{name}",
                width = export.Width,
                height = export.Height,
                extent = new
                {
                    xmin = export.Extent.MinX,
                    ymin = export.Extent.MinY,
                    xmax = export.Extent.MaxX,
                    ymax = export.Extent.MaxY,
                    spatialReference = EsriGeometryInput.Json(export.ImageSr),
                },
                scale = DynamicExport.Scale(export),
            });
        });

        mapper.GetOnly($"arcgis/rest/directories/arcgisoutput/{outputFolder}/{{name}}", r =>
            Service<ExportImageStore>(r).Find(Route(r, "name")) is { } image
                ? Results.Bytes(image.Bytes, image.ContentType).ExecuteAsync(r.Context)
                : ArcGisResponse.WriteErrorAsync(r.Context, "json", new ArcGisException(404, $"{Route(r, "name")} does not exist or has expired."), StatusCodes.Status404NotFound));
    }

    /// <summary>JSON in the requested format; a missing <c>f</c> gets JSON too (clients of tiles rarely send it).</summary>
    private static Task WriteAsync(ArcGisRequest request, object body) =>
        ArcGisResponse.WriteObjectAsync(request.Context, request.Get("f") is null ? "json" : request.Format, body);

    private static T Service<T>(ArcGisRequest request)
        where T : notnull => request.Context.RequestServices.GetRequiredService<T>();

    private static SampleTileOptions Options(ArcGisRequest request) => Service<IOptions<SampleTileOptions>>(request).Value;

    private static string Route(ArcGisRequest request, string name) =>
        request.Context.Request.RouteValues[name]?.ToString() ?? string.Empty;

    private static TileJobSnapshot FindJob(ArcGisRequest request, TiledService service)
    {
        var jobId = Route(request, "jobId");
        return Service<TileJobService>(request).Find(service, jobId)?.Snapshot()
            ?? throw new ArcGisException(400, $"Job {jobId} does not exist.", "Jobs are kept for a limited time after they finish.");
    }

    private static async Task TileAsync(ArcGisRequest request, TiledService service)
    {
        var context = request.Context;
        var (level, row, col) = (Route(request, "level"), Route(request, "row"), Route(request, "col"));
        if (service.Kind == TileKind.Vector && col.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase))
        {
            col = col[..^4];
        }
        if (!TryParseTile(level, row, col, out var tile) || !service.Scheme.IsValid(tile))
        {
            var error = new ArcGisException(404, $"Tile {level}/{row}/{col} does not exist: levels run from 0 to {service.Scheme.MaxLevel.ToString(CultureInfo.InvariantCulture)}, rows and columns from 0 to 2^level - 1.");
            // An image request gets a real 404 (clients then skip the tile); f=json gets the envelope with 200.
            await ArcGisResponse.WriteErrorAsync(context, "json", error, request.Get("f") is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
            return;
        }

        var blob = await Service<SampleTileRenderer>(request).GetTileAsync(service.Kind, tile, request.Aborted);
        var headers = context.Response.Headers;
        headers.ETag = blob.ETag;
        headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={Options(request).TileMaxAgeSeconds}");
        if (service.Kind == TileKind.Vector)
        {
            headers.Vary = HeaderNames.AcceptEncoding;
        }
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag is not null && tag.Split(',').Any(t => t.Trim() is var v && (v == blob.ETag || v == "*"))))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        var (bytes, contentType) = service.Kind != TileKind.Vector
            ? (blob.Bytes, "image/png")
            : blob.Gzipped is not null && AcceptsGzip(context.Request)
                ? (blob.Gzipped, "application/x-protobuf")
                : (blob.Bytes, "application/x-protobuf");
        if (ReferenceEquals(bytes, blob.Gzipped))
        {
            headers.ContentEncoding = "gzip";
        }
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, request.Aborted);
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            foreach (var part in (value ?? string.Empty).Split(','))
            {
                var coding = part.Split(';');
                if (coding[0].Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase)
                    && !coding.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool TryParseTile(string level, string row, string col, out TileAddress tile)
    {
        tile = default;
        if (int.TryParse(level, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
            && long.TryParse(row, NumberStyles.None, CultureInfo.InvariantCulture, out var r)
            && long.TryParse(col, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
        {
            tile = new TileAddress(l, r, c);
            return true;
        }
        return false;
    }

    /// <summary>Every tile in the grid can be served (tiles are drawn on demand), so each cell inside it is present.</summary>
    private static object TileMap(TiledService service, string level, string row, string col, string width, string height)
    {
        const int MaxCells = 256;
        if (!TryParseTile(level, row, col, out var tile) || !service.Scheme.IsValid(tile))
        {
            throw new ArcGisException(400, $"Tile {level}/{row}/{col} does not exist.");
        }
        if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w is < 1 or > MaxCells
            || !int.TryParse(height, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || h is < 1 or > MaxCells)
        {
            throw new ArcGisException(400, string.Create(CultureInfo.InvariantCulture, $"Tile map width and height must be from 1 to {MaxCells}."));
        }
        var side = TileScheme.TilesPerSide(tile.Level);
        var data = new int[w * h];
        for (var r = 0; r < h; r++)
        {
            for (var c = 0; c < w; c++)
            {
                data[(r * w) + c] = tile.Row + r < side && tile.Col + c < side ? 1 : 0;
            }
        }
        return new { adjusted = false, location = new { left = tile.Col, top = tile.Row, width = w, height = h }, data };
    }

    private static object JobStatus(TileJobSnapshot job) => new
    {
        jobId = job.Id,
        jobStatus = job.Status,
        status = job.Status,
        results = job.Succeeded
            ? new Dictionary<string, object> { ["out_service_url"] = new { paramUrl = "results/out_service_url" } }
            : [],
        inputs = job.Inputs.ToDictionary(i => i.Key, i => (object)new { paramUrl = $"inputs/{i.Key}" }, StringComparer.Ordinal),
        messages = job.Messages.Select(m => new { type = m.Type, description = m.Description }).ToArray(),
    };

    private static object JobResult(ArcGisRequest request, TiledService service, TileJobSnapshot job, string parameter)
    {
        if (!parameter.Equals("out_service_url", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArcGisException(400, $"Job {job.Id} has no result '{parameter}'.", "The result parameter is out_service_url.");
        }
        if (!job.Succeeded)
        {
            throw new ArcGisException(400, $"Job {job.Id} has no results: its status is {job.Status}.");
        }
        object value = job.Kind == TileJobKind.EstimateExportTilesSize
            ? new { totalSize = job.TotalSize, totalTilesToExport = job.TotalTiles }
            : $"{request.BaseUrl}/arcgis/rest/directories/arcgisoutput/{service.OutputFolder}/_ags_{job.Id}";
        return new { paramName = "out_service_url", dataType = "GPString", value };
    }

    private static object JobInput(TileJobSnapshot job, string parameter)
    {
        var input = job.Inputs.FirstOrDefault(i => i.Key.Equals(parameter, StringComparison.OrdinalIgnoreCase));
        return input.Key is null
            ? throw new ArcGisException(400, $"Job {job.Id} has no input '{parameter}'.")
            : new { paramName = input.Key, dataType = "GPString", value = input.Value };
    }
}
