using System.IO.Compression;
using System.Text.Json;
using NetTopologySuite.Geometries;
using SkiaSharp;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>exportTiles and estimateExportTilesSize as asynchronous jobs (SPEC §5.2/5.3) over real HTTP.</summary>
public sealed class ExportTilesJobTests(SampleTileHostFixture fixture) : IClassFixture<SampleTileHostFixture>
{
    private SampleTileHost Host => fixture.Host;

    private static JsonElement Get(JsonElement e, string name) => e.GetProperty(name);

    private async Task<JsonElement> SubmitAsync(string service, string operation, IDictionary<string, string> parameters)
    {
        parameters["f"] = "json";
        using var form = new FormUrlEncodedContent(parameters);
        using var response = await Host.Client.PostAsync($"{Host.ServicesUrl}/{service}/{operation}", form);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Polls until the job leaves submitted/executing (bounded: 600 polls).</summary>
    private async Task<JsonElement> WaitAsync(string service, string operation, string jobId)
    {
        for (var i = 0; i < 600; i++)
        {
            // Alternate between the two documented URL forms and the /status suffix some clients add.
            var url = (i % 3) switch
            {
                0 => $"{Host.ServicesUrl}/{service}/jobs/{jobId}?f=json",
                1 => $"{Host.ServicesUrl}/{service}/{operation}/jobs/{jobId}?f=json",
                _ => $"{Host.ServicesUrl}/{service}/jobs/{jobId}/status?f=json",
            };
            var job = await TiledMapServiceTests.GetJsonAsync(Host.Client, url);
            Assert.Equal(jobId, Get(job, "jobId").GetString());
            Assert.Equal(Get(job, "jobStatus").GetString(), Get(job, "status").GetString());
            if (Get(job, "jobStatus").GetString() is not ("esriJobSubmitted" or "esriJobExecuting"))
            {
                return job;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"job {jobId} did not finish");
    }

    /// <summary>Independent of the server: tiles from the advertised tileInfo whose interior overlaps the extent.</summary>
    private static long ExpectedTiles(JsonElement tileInfo, Envelope extent, IEnumerable<int> levels)
    {
        var originX = tileInfo.GetProperty("origin").GetProperty("x").GetDouble();
        var originY = tileInfo.GetProperty("origin").GetProperty("y").GetDouble();
        var cols = tileInfo.GetProperty("cols").GetInt32();
        var lods = tileInfo.GetProperty("lods").EnumerateArray().ToDictionary(l => l.GetProperty("level").GetInt32(), l => l.GetProperty("resolution").GetDouble());
        long total = 0;
        foreach (var level in levels)
        {
            var span = lods[level] * cols;
            long xs = 0, ys = 0;
            for (long c = 0; c < 1L << level; c++)
            {
                var x0 = originX + (c * span);
                if (x0 < extent.MaxX && x0 + span > extent.MinX)
                {
                    xs++;
                }
            }
            for (long r = 0; r < 1L << level; r++)
            {
                var y1 = originY - (r * span);
                if (y1 > extent.MinY && y1 - span < extent.MaxY)
                {
                    ys++;
                }
            }
            total += xs * ys;
        }
        return total;
    }

    private static Envelope Mercator(double minLon, double minLat, double maxLon, double maxLat)
    {
        static double X(double lon) => lon * Math.PI / 180 * 6378137;
        static double Y(double lat) => Math.Log(Math.Tan(Math.PI / 4 + (lat * Math.PI / 360))) * 6378137;
        return new Envelope(X(minLon), X(maxLon), Y(minLat), Y(maxLat));
    }

    [Theory]
    [InlineData("Basemap/MapServer", "10-15")]
    [InlineData("Basemap/MapServer", "12,14,16")]
    [InlineData("BasemapVector/VectorTileServer", "11-14")]
    public async Task Estimate_Extent_CountsExactlyTheTilesOfTheAreaAndLevels(string service, string levels)
    {
        var submitted = await SubmitAsync(service, "estimateExportTilesSize", new Dictionary<string, string>
        {
            ["exportBy"] = "LevelID", ["levels"] = levels, ["tilePackage"] = "true",
            ["exportExtent"] = """{"xmin":-122.72,"ymin":42.18,"xmax":-122.69,"ymax":42.2,"spatialReference":{"wkid":4326}}""",
        });
        Assert.Equal("esriJobSubmitted", Get(submitted, "jobStatus").GetString());
        var jobId = Get(submitted, "jobId").GetString()!;
        var job = await WaitAsync(service, "estimateExportTilesSize", jobId);
        Assert.Equal("esriJobSucceeded", Get(job, "jobStatus").GetString());
        Assert.Equal("results/out_service_url", Get(job, "results").GetProperty("out_service_url").GetProperty("paramUrl").GetString());

        var result = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/{service}/jobs/{jobId}/results/out_service_url?f=json");
        Assert.Equal("out_service_url", Get(result, "paramName").GetString());
        var value = Get(result, "value");
        var root = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/{service}?f=json");
        var levelList = levels.Contains('-')
            ? Enumerable.Range(int.Parse(levels.Split('-')[0]), int.Parse(levels.Split('-')[1]) - int.Parse(levels.Split('-')[0]) + 1)
            : levels.Split(',').Select(int.Parse);
        Assert.Equal(ExpectedTiles(Get(root, "tileInfo"), Mercator(-122.72, 42.18, -122.69, 42.2), levelList), Get(value, "totalTilesToExport").GetInt64());
        Assert.True(Get(value, "totalSize").GetInt64() > 0);
    }

    [Fact]
    public async Task Estimate_AreaOfInterestPolygon_CountsOnlyTilesTouchingThePolygon()
    {
        // A triangle in Web Mercator: far fewer tiles than its envelope.
        var rings = "[[[-13663000,5186000],[-13656000,5186000],[-13663000,5193000],[-13663000,5186000]]]";
        var submitted = await SubmitAsync("Basemap/MapServer", "estimateExportTilesSize", new Dictionary<string, string>
        {
            ["levels"] = "14-16",
            ["areaOfInterest"] = """{"features":[{"geometry":{"rings":""" + rings + ""","spatialReference":{"wkid":102100}}}]}""",
        });
        var job = await WaitAsync("Basemap/MapServer", "estimateExportTilesSize", Get(submitted, "jobId").GetString()!);
        Assert.Equal("esriJobSucceeded", Get(job, "jobStatus").GetString());
        var result = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer/estimateExportTilesSize/jobs/{Get(job, "jobId").GetString()}/results/out_service_url?f=json");

        var factory = new GeometryFactory(new PrecisionModel(), 3857);
        var triangle = factory.CreatePolygon([new(-13663000, 5186000), new(-13656000, 5186000), new(-13663000, 5193000), new(-13663000, 5186000)]);
        long expected = 0, envelopeTiles = 0;
        foreach (var level in new[] { 14, 15, 16 })
        {
            var span = 156543.033928 / Math.Pow(2, level) * 256;
            for (var r = (long)((20037508.342787 - 5193000) / span) - 1; r <= (long)((20037508.342787 - 5186000) / span) + 1; r++)
            {
                for (var c = (long)((-13663000 + 20037508.342787) / span) - 1; c <= (long)((-13656000 + 20037508.342787) / span) + 1; c++)
                {
                    var x0 = -20037508.342787 + (c * span);
                    var y1 = 20037508.342787 - (r * span);
                    var tile = factory.ToGeometry(new Envelope(x0, x0 + span, y1 - span, y1));
                    if (triangle.Relate(tile, "T********"))
                    {
                        expected++;
                    }
                    if (tile.EnvelopeInternal.Intersects(triangle.EnvelopeInternal) && tile.Intersection(factory.ToGeometry(triangle.EnvelopeInternal)).Area > 0)
                    {
                        envelopeTiles++;
                    }
                }
            }
        }
        Assert.True(expected < envelopeTiles);
        Assert.Equal(expected, Get(Get(result, "value"), "totalTilesToExport").GetInt64());
    }

    [Fact]
    public async Task Estimate_OverTheMaximum_FailsWithError001564()
    {
        var submitted = await SubmitAsync("Basemap/MapServer", "estimateExportTilesSize", new Dictionary<string, string> { ["levels"] = "0-19", ["exportExtent"] = "DEFAULT" });
        var job = await WaitAsync("Basemap/MapServer", "estimateExportTilesSize", Get(submitted, "jobId").GetString()!);
        Assert.Equal("esriJobFailed", Get(job, "jobStatus").GetString());
        Assert.Contains(Get(job, "messages").EnumerateArray(), m =>
            m.GetProperty("type").GetString() == "esriJobMessageTypeError"
            && m.GetProperty("description").GetString()!.StartsWith("ERROR 001564: Requested tile count(", StringComparison.Ordinal)
            && m.GetProperty("description").GetString()!.Contains("exceeds the maximum allowed number of tiles(5000)", StringComparison.Ordinal));
        var noResult = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer/jobs/{Get(job, "jobId").GetString()}/results/out_service_url?f=json");
        Assert.Equal(400, Get(Get(noResult, "error"), "code").GetInt32());
    }

    [Theory]
    [InlineData("exportTiles")]
    [InlineData("estimateExportTilesSize")]
    public async Task Hillshade_ExportNotAllowed_IsRefused(string operation)
    {
        var answer = await SubmitAsync("Hillshade/MapServer", operation, new Dictionary<string, string> { ["levels"] = "10" });
        Assert.Equal(400, Get(Get(answer, "error"), "code").GetInt32());
        Assert.False(answer.TryGetProperty("jobId", out _));
    }

    [Theory]
    [InlineData("Basemap/MapServer", "Basemap_MapServer", @"^_alllayers/L1[34]/R[0-9a-f]{8}/C[0-9a-f]{8}\.png$")]
    [InlineData("BasemapVector/VectorTileServer", "BasemapVector_VectorTileServer", @"^tile/1[34]/[0-9]+/[0-9]+\.pbf$")]
    public async Task Export_ExplodedCache_WritesEveryTileIntoTheListedZip(string service, string outputFolder, string entryPattern)
    {
        var submitted = await SubmitAsync(service, "exportTiles", new Dictionary<string, string>
        {
            ["levels"] = "13-14", ["tilePackage"] = "false", ["exportExtent"] = "-13661000,5188000,-13658000,5191000",
        });
        var jobId = Get(submitted, "jobId").GetString()!;
        var job = await WaitAsync(service, "exportTiles", jobId);
        Assert.Equal("esriJobSucceeded", Get(job, "jobStatus").GetString());
        Assert.True(Get(job, "inputs").TryGetProperty("levels", out _));
        var levelsInput = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/{service}/jobs/{jobId}/inputs/levels?f=json");
        Assert.Equal("13-14", Get(levelsInput, "value").GetString());

        var result = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/{service}/exportTiles/jobs/{jobId}/results/out_service_url?f=json");
        var folderUrl = Get(result, "value").GetString()!;
        Assert.StartsWith($"{Host.BaseUrl}/sample/arcgis/rest/directories/arcgisoutput/{outputFolder}/_ags_", folderUrl);
        var listing = await TiledMapServiceTests.GetJsonAsync(Host.Client, folderUrl + "?f=json");
        var file = Assert.Single(Get(listing, "files").EnumerateArray());
        var bytes = await Host.Client.GetByteArrayAsync(Get(file, "url").GetString());
        Assert.Equal(Get(file, "size").GetInt64(), bytes.Length);

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var root = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/{service}?f=json");
        var expected = ExpectedTiles(Get(root, "tileInfo"), new Envelope(-13661000, -13658000, 5188000, 5191000), [13, 14]);
        var tiles = zip.Entries.Where(e => e.FullName != "conf.json").ToList();
        Assert.Equal(expected, tiles.Count);
        Assert.Contains(zip.Entries, e => e.FullName == "conf.json");
        Assert.All(tiles, e => Assert.Matches(entryPattern, e.FullName));
        var contents = new List<byte[]>();
        foreach (var entry in tiles)
        {
            await using var stream = await entry.OpenAsync();
            using var content = new MemoryStream();
            await stream.CopyToAsync(content);
            contents.Add(content.ToArray());
        }
        if (service.EndsWith("MapServer", StringComparison.Ordinal))
        {
            Assert.All(contents, png =>
            {
                using var bitmap = SKBitmap.Decode(png);
                Assert.Equal(256, bitmap.Width);
            });
        }
        else
        {
            Assert.Contains(contents.SelectMany(MvtDecoder.Decode), l => l.Name == "water_mains");
        }
    }

    [Fact]
    public async Task Export_TilePackage_FailsWithAClearMessage()
    {
        var submitted = await SubmitAsync("Basemap/MapServer", "exportTiles", new Dictionary<string, string>
        {
            ["levels"] = "13", ["tilePackage"] = "true", ["storageFormatType"] = "esriMapCacheStorageModeCompactV2",
        });
        var job = await WaitAsync("Basemap/MapServer", "exportTiles", Get(submitted, "jobId").GetString()!);
        Assert.Equal("esriJobFailed", Get(job, "jobStatus").GetString());
        Assert.Contains(Get(job, "messages").EnumerateArray(), m => m.GetProperty("description").GetString()!.Contains(".tpkx", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("levels", "25")]
    [InlineData("levels", "5-3")]
    [InlineData("levels", "a,b")]
    [InlineData("exportBy", "Meters")]
    [InlineData("exportExtent", "1,2,3")]
    [InlineData("exportExtent", "{\"xmin\":1}")]
    [InlineData("areaOfInterest", "not json")]
    [InlineData("tilePackage", "perhaps")]
    public async Task Submit_BadParameters_AnswersTheErrorEnvelope(string name, string value)
    {
        var parameters = new Dictionary<string, string>();
        if (name.Length > 0)
        {
            parameters["levels"] = "12";
            parameters[name] = value;
        }
        var answer = await SubmitAsync("Basemap/MapServer", "exportTiles", parameters);
        Assert.Equal(400, Get(Get(answer, "error"), "code").GetInt32());
    }

    [Fact]
    public async Task Job_Unknown_AnswersTheErrorEnvelope()
    {
        var answer = await TiledMapServiceTests.GetJsonAsync(Host.Client, $"{Host.ServicesUrl}/Basemap/MapServer/jobs/jdoesnotexist?f=json");
        Assert.Equal(400, Get(Get(answer, "error"), "code").GetInt32());
    }
}
