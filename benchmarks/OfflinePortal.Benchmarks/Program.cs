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
    "estimate" => await EstimateBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          replica-generate <file> [features=1000000]   write a replica JSON file of point features
          replica-read <file>                           stream it through ReplicaJsonReader from disk
          replica-read-http <file>                      serve it on loopback and read it through FeatureServiceClient + ReplicaJsonReader
          replica-read-dom <file>                       for contrast: parse it whole with JsonDocument
          replica-scan <file>                           the floor: tokenize it with Utf8JsonReader, building nothing
          audit [jobs=100000] [folder]                  audit page, filtered pages and CSV export over N jobs in SQLite
          sample-portal-serve [hydrants=1000000] [folder]  host the sample portal, print its URL, serve until stdin closes
        """);
    return 2;
}
