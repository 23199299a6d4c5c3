using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

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
        services.AddHostedService(sp => sp.GetRequiredService<TileJobService>());
        return services;
    }

    /// <summary>Maps the services on <paramref name="group"/>, the group at the portal's mount prefix (e.g. <c>/sample</c>).</summary>
    public static RouteGroupBuilder MapSampleTileServices(this RouteGroupBuilder group)
    {
        foreach (var service in TiledService.All)
        {
            MapTiledService(group, service);
        }
        MapDynamicService(group);
        return group;
    }

    private static void MapTiledService(RouteGroupBuilder group, TiledService service)
    {
        var root = $"arcgis/rest/services/{service.Name}/{service.Type}";
        string[] getOrPost = [HttpMethods.Get, HttpMethods.Post];

        group.MapMethods(root, getOrPost, (HttpContext context, IOptions<SampleTileOptions> options, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request => request.Json(service.Kind == TileKind.Vector
                ? ServiceJson.VectorTileServer(service, options.Value.MaxExportTilesCount)
                : ServiceJson.TiledMapServer(service, options.Value.MaxExportTilesCount))));

        group.MapGet($"{root}/tile/{{level}}/{{row}}/{{col}}", (HttpContext context, string level, string row, string col, SampleTileRenderer renderer, IOptions<SampleTileOptions> options, CancellationToken ct) =>
            TileAsync(context, service, level, row, col, renderer, options.Value, ct));

        group.MapGet($"{root}/tilemap/{{level}}/{{row}}/{{col}}/{{width}}/{{height}}", (HttpContext context, string level, string row, string col, string width, string height, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request => request.Json(TileMap(service, level, row, col, width, height))));

        foreach (var kind in new[] { TileJobKind.ExportTiles, TileJobKind.EstimateExportTilesSize })
        {
            var operation = kind == TileJobKind.ExportTiles ? "exportTiles" : "estimateExportTilesSize";
            group.MapMethods($"{root}/{operation}", getOrPost, (HttpContext context, TileJobService jobs, CancellationToken ct) =>
                HandleJsonAsync(context, ct, request =>
                {
                    if (!service.ExportTilesAllowed)
                    {
                        return ArcGisRequest.Error(400, $"Export tiles is not allowed for {service.Name}:{service.Type}.", ["exportTilesAllowed is false for this service."]);
                    }
                    var job = jobs.Submit(service, kind, ExportTilesRequest.Parse(request, service.Scheme)).Snapshot();
                    return request.Json(new { jobId = job.Id, jobStatus = job.Status, status = job.Status });
                }));
        }

        // ArcGIS documents both jobs/{id} and {operation}/jobs/{id}; clients use either, some append /status.
        foreach (var jobsRoot in new[] { $"{root}/jobs", $"{root}/exportTiles/jobs", $"{root}/estimateExportTilesSize/jobs" })
        {
            group.MapGet($"{jobsRoot}/{{jobId}}", (HttpContext context, string jobId, TileJobService jobs, CancellationToken ct) =>
                HandleJsonAsync(context, ct, request => JobStatus(request, service, jobs, jobId)));
            group.MapGet($"{jobsRoot}/{{jobId}}/status", (HttpContext context, string jobId, TileJobService jobs, CancellationToken ct) =>
                HandleJsonAsync(context, ct, request => JobStatus(request, service, jobs, jobId)));
            group.MapGet($"{jobsRoot}/{{jobId}}/results/{{parameter}}", (HttpContext context, string jobId, string parameter, TileJobService jobs, CancellationToken ct) =>
                HandleJsonAsync(context, ct, request => JobResult(request, service, jobs, jobId, parameter)));
            group.MapGet($"{jobsRoot}/{{jobId}}/inputs/{{parameter}}", (HttpContext context, string jobId, string parameter, TileJobService jobs, CancellationToken ct) =>
                HandleJsonAsync(context, ct, request => JobInput(request, service, jobs, jobId, parameter)));
        }

        var output = $"arcgis/rest/directories/arcgisoutput/{service.OutputFolder}/_ags_{{jobId}}";
        group.MapGet(output, (HttpContext context, string jobId, TileJobService jobs, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request =>
            {
                if (jobs.Find(service, jobId)?.Snapshot() is not { Succeeded: true } job)
                {
                    return ArcGisRequest.Error(404, $"Output folder _ags_{jobId} does not exist.");
                }
                var folderUrl = $"{request.RestRoot}/directories/arcgisoutput/{service.OutputFolder}/_ags_{job.Id}";
                return request.Json(new
                {
                    files = job.Files.Select(f => new { name = f.Name, url = $"{folderUrl}/{Uri.EscapeDataString(f.Name)}", size = f.Size }).ToArray(),
                    folders = Array.Empty<object>(),
                });
            }));
        group.MapGet($"{output}/{{fileName}}", (string jobId, string fileName, TileJobService jobs) =>
            jobs.FilePath(service, jobId, fileName) is { } path
                ? Results.File(path, "application/zip", fileName)
                : ArcGisRequest.Error(404, $"File {fileName} does not exist.", httpStatus: StatusCodes.Status404NotFound));

        if (service.Kind == TileKind.Vector)
        {
            foreach (var stylePath in new[] { $"{root}/resources/styles", $"{root}/resources/styles/root.json" })
            {
                group.MapGet(stylePath, () => Results.Json(VectorStyleJson.Root(), contentType: "application/json; charset=utf-8"));
            }
        }
    }

    private static void MapDynamicService(RouteGroupBuilder group)
    {
        const string root = $"arcgis/rest/services/{DynamicMapJson.ServiceName}/MapServer";
        const string outputFolder = $"{DynamicMapJson.ServiceName}_MapServer";

        group.MapGet(root, (HttpContext context, IOptions<SampleTileOptions> options, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request => request.Json(DynamicMapJson.Root(options.Value.MaxExportTilesCount))));

        group.MapGet($"{root}/layers", (HttpContext context, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request => request.Json(new
            {
                layers = SampleLayers.All.Select(DynamicMapJson.Layer).ToArray(),
                tables = Array.Empty<object>(),
            })));

        group.MapGet($"{root}/{{layerId:int}}", (HttpContext context, int layerId, CancellationToken ct) =>
            HandleJsonAsync(context, ct, request => SampleLayers.All.FirstOrDefault(l => l.Id == layerId) is { } layer
                ? request.Json(DynamicMapJson.Layer(layer))
                : ArcGisRequest.Error(400, string.Create(CultureInfo.InvariantCulture, $"Layer {layerId} does not exist."), ["Layers are 0 to 3."])));

        group.MapMethods($"{root}/export", [HttpMethods.Get, HttpMethods.Post], async (HttpContext context, DynamicExport exporter, ExportImageStore images, CancellationToken ct) =>
        {
            try
            {
                var request = await ArcGisRequest.ReadAsync(context, ct);
                var format = request.Format();
                if (format is not ("image" or "json" or "pjson"))
                {
                    return ArcGisRequest.Error(400, $"Format '{format}' is not supported by export.", ["Use f=image, f=json or f=pjson."]);
                }
                var export = DynamicExport.Parse(request);
                var bytes = await exporter.RenderAsync(export, ct);
                if (format == "image")
                {
                    return Results.Bytes(bytes, export.ContentType);
                }
                var name = images.Add(new ExportedImage(bytes, export.ContentType));
                return request.Json(new
                {
                    href = $"{request.RestRoot}/directories/arcgisoutput/{outputFolder}/{name}",
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
            }
            catch (ArcGisRequestException ex)
            {
                return ArcGisRequest.Error(400, ex.Message, ex.Details);
            }
        });

        group.MapGet($"arcgis/rest/directories/arcgisoutput/{outputFolder}/{{name}}", (string name, ExportImageStore images) =>
            images.Find(name) is { } image
                ? Results.Bytes(image.Bytes, image.ContentType)
                : ArcGisRequest.Error(404, $"{name} does not exist or has expired.", httpStatus: StatusCodes.Status404NotFound));
    }

    private static async Task<IResult> HandleJsonAsync(HttpContext context, CancellationToken cancellationToken, Func<ArcGisRequest, IResult> handle)
    {
        try
        {
            var request = await ArcGisRequest.ReadAsync(context, cancellationToken);
            if (!request.IsJsonFormat)
            {
                return ArcGisRequest.Error(400, $"Format '{request.Format()}' is not supported here.", ["Use f=json or f=pjson."]);
            }
            return handle(request);
        }
        catch (ArcGisRequestException ex)
        {
            return ArcGisRequest.Error(400, ex.Message, ex.Details);
        }
    }

    private static async Task<IResult> TileAsync(
        HttpContext context, TiledService service, string level, string row, string col,
        SampleTileRenderer renderer, SampleTileOptions options, CancellationToken cancellationToken)
    {
        var wantsJson = context.Request.Query["f"].ToString() is "json" or "pjson";
        if (service.Kind == TileKind.Vector && col.EndsWith(".pbf", StringComparison.OrdinalIgnoreCase))
        {
            col = col[..^4];
        }
        if (!TryParseTile(level, row, col, out var tile) || !service.Scheme.IsValid(tile))
        {
            var message = $"Tile {level}/{row}/{col} does not exist: levels run from 0 to {service.Scheme.MaxLevel.ToString(CultureInfo.InvariantCulture)}, rows and columns from 0 to 2^level - 1.";
            return wantsJson
                ? ArcGisRequest.Error(404, message)
                : ArcGisRequest.Error(404, message, httpStatus: StatusCodes.Status404NotFound);
        }

        var blob = await renderer.GetTileAsync(service.Kind, tile, cancellationToken);
        var headers = context.Response.Headers;
        headers.ETag = blob.ETag;
        headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={options.TileMaxAgeSeconds}");
        if (service.Kind == TileKind.Vector)
        {
            headers.Vary = HeaderNames.AcceptEncoding;
        }
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag is not null && (tag == blob.ETag || tag == "*" || tag.Split(',').Any(t => t.Trim() == blob.ETag))))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        if (service.Kind != TileKind.Vector)
        {
            return Results.Bytes(blob.Bytes, "image/png");
        }
        if (blob.Gzipped is not null && AcceptsGzip(context.Request))
        {
            headers.ContentEncoding = "gzip";
            return Results.Bytes(blob.Gzipped, "application/x-protobuf");
        }
        return Results.Bytes(blob.Bytes, "application/x-protobuf");
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
            throw new ArcGisRequestException($"Tile {level}/{row}/{col} does not exist.");
        }
        if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var w) || w is < 1 or > MaxCells
            || !int.TryParse(height, NumberStyles.None, CultureInfo.InvariantCulture, out var h) || h is < 1 or > MaxCells)
        {
            throw new ArcGisRequestException(string.Create(CultureInfo.InvariantCulture, $"Tile map width and height must be from 1 to {MaxCells}."));
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

    private static IResult JobStatus(ArcGisRequest request, TiledService service, TileJobService jobs, string jobId)
    {
        if (jobs.Find(service, jobId)?.Snapshot() is not { } job)
        {
            return ArcGisRequest.Error(400, $"Job {jobId} does not exist.", ["Jobs are kept for a limited time after they finish."]);
        }
        return request.Json(new
        {
            jobId = job.Id,
            jobStatus = job.Status,
            status = job.Status,
            results = job.Succeeded
                ? new Dictionary<string, object> { ["out_service_url"] = new { paramUrl = "results/out_service_url" } }
                : [],
            inputs = job.Inputs.ToDictionary(i => i.Key, i => (object)new { paramUrl = $"inputs/{i.Key}" }, StringComparer.Ordinal),
            messages = job.Messages.Select(m => new { type = m.Type, description = m.Description }).ToArray(),
        });
    }

    private static IResult JobResult(ArcGisRequest request, TiledService service, TileJobService jobs, string jobId, string parameter)
    {
        if (jobs.Find(service, jobId)?.Snapshot() is not { } job)
        {
            return ArcGisRequest.Error(400, $"Job {jobId} does not exist.");
        }
        if (!parameter.Equals("out_service_url", StringComparison.OrdinalIgnoreCase))
        {
            return ArcGisRequest.Error(400, $"Job {jobId} has no result '{parameter}'.", ["The result parameter is out_service_url."]);
        }
        if (!job.Succeeded)
        {
            return ArcGisRequest.Error(400, $"Job {jobId} has no results: its status is {job.Status}.");
        }
        object value = job.Kind == TileJobKind.EstimateExportTilesSize
            ? new { totalSize = job.TotalSize, totalTilesToExport = job.TotalTiles }
            : $"{request.RestRoot}/directories/arcgisoutput/{service.OutputFolder}/_ags_{job.Id}";
        return request.Json(new { paramName = "out_service_url", dataType = "GPString", value });
    }

    private static IResult JobInput(ArcGisRequest request, TiledService service, TileJobService jobs, string jobId, string parameter)
    {
        if (jobs.Find(service, jobId)?.Snapshot() is not { } job)
        {
            return ArcGisRequest.Error(400, $"Job {jobId} does not exist.");
        }
        var input = job.Inputs.FirstOrDefault(i => i.Key.Equals(parameter, StringComparison.OrdinalIgnoreCase));
        return input.Key is null
            ? ArcGisRequest.Error(400, $"Job {jobId} has no input '{parameter}'.")
            : request.Json(new { paramName = input.Key, dataType = "GPString", value = input.Value });
    }
}
