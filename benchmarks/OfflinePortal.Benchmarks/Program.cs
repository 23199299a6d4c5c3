using OfflinePortal.Benchmarks;

return args.FirstOrDefault() switch
{
    "replica-generate" => await ReplicaStreamingBenchmark.GenerateAsync(args[1..]),
    "replica-read" => await ReplicaStreamingBenchmark.ReadAsync(args[1..], overHttp: false),
    "replica-read-http" => await ReplicaStreamingBenchmark.ReadAsync(args[1..], overHttp: true),
    "replica-read-dom" => await ReplicaStreamingBenchmark.ReadWholeDocumentAsync(args[1..]),
    "replica-scan" => await ReplicaStreamingBenchmark.ScanTokensAsync(args[1..]),
    "audit" => await AuditBenchmark.RunAsync(args[1..]),
    "sample-portal-serve" => await SamplePortalHost.ServeAsync(args[1..]),
    "gpkg-write" => await GeoPackageWriteBenchmark.RunAsync(args[1..]),
    "feature-export" => await FeatureExportBenchmark.RunAsync(args[1..]),
    "feature-export-job" => await FeatureExportBenchmark.JobAsync(args[1..]),
    "tiles" => await TilesBenchmark.RunAsync(args[1..]),
    "tile-write" => await TileWriteBenchmark.RunAsync(args[1..]),
    "estimate" => await EstimateBenchmark.RunAsync(args[1..]),
    "engine" => await EngineAsync(args[1..]),
    _ => Usage(),
};

// The offline engine's three targets in one run (issue: feature export, tiles, estimate), each against its own peer.
static async Task<int> EngineAsync(string[] args)
{
    var exportCode = await FeatureExportBenchmark.RunAsync(args);
    var tilesCode = await TilesBenchmark.RunAsync(args);
    var estimateCode = await EstimateBenchmark.RunAsync(args);
    return Math.Max(exportCode, Math.Max(tilesCode, estimateCode));
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          replica-generate <file> [features=1000000]   write a replica JSON file of point features
          replica-read <file>                           stream it through ReplicaJsonReader from disk
          replica-read-http <file>                      serve it on loopback and read it through FeatureServiceClient + ReplicaJsonReader
          replica-read-dom <file>                       for contrast: parse it whole with JsonDocument
          replica-scan <file>                           the floor: tokenize it with Utf8JsonReader, building nothing
          audit [jobs=100000] [folder] [thumbnailKiB=0]  audit pages and CSV export over N jobs in SQLite (options with a thumbnail of that size)
          sample-portal-serve [hydrants=1000000] [folder]  host the sample portal, print its URL, serve until stdin closes
          gpkg-write [count=1000000] [--track] [--no-geometry] [--polygons] [--keep]
                                                        the feature GeoPackage writer alone: insert and finish times, peak memory
          feature-export [hydrants=1000000] [folder]    our job's hydrants export vs ogr2ogr paging the same layer (time, peak memory)
          feature-export-job <portal> <services> <dir> [attachments|no-attachments] [xmin,ymin,xmax,ymax]
                                                        our side of feature-export alone (run by feature-export in a child process)
          tiles [hydrants=1000000] [folder] [rounds=2]  our tile job vs a plain concurrent fetch of the same tile URLs
          tile-write [tiles=1176] [bytes=109568] [rounds=5]  the tile GeoPackage writer alone from memory, beside one plain file
          estimate [hydrants=1000000] [folder]          the engine's estimate vs the package it then writes (tiles per level, bytes)
          engine [hydrants=1000000] [folder]            feature-export, tiles and estimate one after the other
        """);
    return 2;
}
