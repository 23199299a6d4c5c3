using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using OfflinePortal.Core.ArcGis.Model;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Tests.Infrastructure;
using SkiaSharp;

namespace OfflinePortal.Tests.Packaging;

public sealed class PackageManifestTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory("package");

    public void Dispose() => TestPaths.DeleteQuietly(_dir);

    private async Task<(string Root, PackageManifest Manifest)> PackageAsync()
    {
        var root = Path.Combine(_dir, "pkg");
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var summary = await PackagingSamples.WriteServiceAsync(Path.Combine(root, "data", "water.gpkg"), trackChanges: true);
        await File.WriteAllTextAsync(Path.Combine(root, "map.json"), """{"operationalLayers":[]}""");
        await PackageThumbnail.WriteAsync(Path.Combine(root, PackageThumbnail.FileName), null,
            new EsriPolygon([PackagingSamples.Square(0, 0, 100), PackagingSamples.Hole(20, 20, 30)]));
        var manifest = new PackageManifest
        {
            Item = new PackageItemInfo { Title = "Hydrants north", Snippet = "crew A", Tags = ["water", "offline"] },
            Source = new PackageSource { PortalUrl = "https://example.test/portal", WebMapId = "abc123" },
            CreatedUtc = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            CreatedBy = "supervisor",
            AreaOfInterest = JsonDocument.Parse("""{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[0,0]]]}""").RootElement.Clone(),
            Parameters = JsonDocument.Parse("""{"maxScale":1000,"overrides":{"layers":{"0":"include"}}}""").RootElement.Clone(),
            Layers =
            [
                new PackageLayerEntry { Id = "hydrants-1", Title = "Hydrants", Kind = "feature-layer", Status = PackageLayerStatus.Offline, File = "data/water.gpkg", Table = "Hydrants", FeatureCount = 10, Bytes = summary.Bytes },
                new PackageLayerEntry { Id = "imagery", Title = "Imagery", Kind = "tiled-layer", Status = PackageLayerStatus.OnlineOnly },
                new PackageLayerEntry { Id = "bad", Title = "Bad", Kind = "feature-layer", Status = PackageLayerStatus.Failed, Error = "HTTP 500" },
            ],
            Replicas = [new PackageReplica { ServiceUrl = "https://example.test/FeatureServer", ReplicaId = "{R}", SyncModel = "perLayer", LayerServerGens = [new LayerServerGen(0, 5)], File = "data/water.gpkg" }],
        };
        var written = await new PackageManifestWriter().WriteAsync(root, manifest);
        return (root, written);
    }

    [Fact]
    public async Task Manifest_ListsEveryFileWithSizeAndSha256_InCamelCase()
    {
        var (root, manifest) = await PackageAsync();

        Assert.Equal(["data/water.gpkg", "map.json", "thumbnail.png"], manifest.Files.Select(f => f.Path));
        foreach (var file in manifest.Files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(root, file.Path));
            Assert.Equal(bytes.Length, file.Bytes);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.Sha256);
        }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "package.json")));
        var doc = json.RootElement;
        Assert.Equal(1, doc.GetProperty("formatVersion").GetInt32());
        Assert.Equal("online-only", doc.GetProperty("layers")[1].GetProperty("status").GetString());
        Assert.Equal("abc123", doc.GetProperty("source").GetProperty("webMapId").GetString());
        Assert.Equal(5, doc.GetProperty("replicas")[0].GetProperty("layerServerGens")[0].GetProperty("serverGen").GetInt64());
        Assert.Equal("include", doc.GetProperty("parameters").GetProperty("overrides").GetProperty("layers").GetProperty("0").GetString());

        var verification = await new PackageManifestReader().VerifyAsync(root);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal("Hydrants north", verification.Manifest.Item.Title);
        Assert.Equal(PackageLayerStatus.Failed, verification.Manifest.Layers[2].Status);
    }

    [Fact]
    public async Task Verify_ReportsEachTamperedMissingAndUnlistedFile()
    {
        var (root, _) = await PackageAsync();
        var map = Path.Combine(root, "map.json");
        await File.WriteAllTextAsync(map, """{"operationalLayers":[1]}""".PadRight(23)[..23]);
        var thumbnail = Path.Combine(root, "thumbnail.png");
        var bytes = await File.ReadAllBytesAsync(thumbnail);
        bytes[^5] ^= 0xFF;
        await File.WriteAllBytesAsync(thumbnail, bytes);
        File.Delete(Path.Combine(root, "data", "water.gpkg"));
        await File.WriteAllTextAsync(Path.Combine(root, "extra.txt"), "x");

        var verification = await new PackageManifestReader().VerifyAsync(root);

        Assert.False(verification.IsValid);
        Assert.Contains(verification.Problems, p => p.Path == "data/water.gpkg" && p.Kind == PackageProblemKind.Missing);
        Assert.Contains(verification.Problems, p => p.Path == "thumbnail.png" && p.Kind == PackageProblemKind.HashMismatch);
        Assert.Contains(verification.Problems, p => p.Path == "map.json" && p.Kind is PackageProblemKind.SizeMismatch or PackageProblemKind.HashMismatch);
        Assert.Contains(verification.Problems, p => p.Path == "extra.txt" && p.Kind == PackageProblemKind.Unlisted);
        Assert.Equal(4, verification.Problems.Count);
    }

    [Fact]
    public async Task Zip_ToNonSeekableAsyncOnlyStream_UnzipsToIdenticalFiles()
    {
        var (root, manifest) = await PackageAsync();
        var zipPath = Path.Combine(_dir, "pkg.zip");
        await using (var file = File.Create(zipPath))
        {
            await using var response = new AsyncOnlyForwardStream(file);
            await new PackageZipStreamer().WriteAsync(root, response);
        }

        var extracted = Path.Combine(_dir, "extracted");
        await ZipFile.ExtractToDirectoryAsync(zipPath, extracted);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal("package.json", zip.Entries[0].FullName);
            var thumbnail = zip.GetEntry("thumbnail.png")!;
            Assert.Equal(thumbnail.Length, thumbnail.CompressedLength); // images are stored, not deflated again
        }
        var verification = await new PackageManifestReader().VerifyAsync(extracted);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(manifest.Files.Count, verification.Manifest.Files.Count);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(root, "package.json")), await File.ReadAllBytesAsync(Path.Combine(extracted, "package.json")));
        GdalTools.AssertValidGeoPackage(Path.Combine(extracted, "data", "water.gpkg"));
    }

    [Fact]
    public async Task Thumbnail_WithoutImage_DrawsTheAreaOutline_AndKeepsSuppliedBytes()
    {
        var rendered = Path.Combine(_dir, "a.png");
        await PackageThumbnail.WriteAsync(rendered, null, new EsriEnvelope(10, 10, 20, 15));
        using (var bitmap = SKBitmap.Decode(rendered))
        {
            Assert.Equal((PackageThumbnail.Width, PackageThumbnail.Height), (bitmap.Width, bitmap.Height));
            var centre = bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2);
            var corner = bitmap.GetPixel(2, 2);
            Assert.NotEqual(corner, centre); // the area is filled, the margin is background
        }
        var supplied = Path.Combine(_dir, "b.png");
        var png = TileWriterTests.Png(8, 8, 1, 2, 3);
        await PackageThumbnail.WriteAsync(supplied, png, null);
        Assert.Equal(png, await File.ReadAllBytesAsync(supplied));
    }

    [Theory]
    [InlineData("CON", "CON_")]
    [InlineData("../../etc/passwd", "etc_passwd")]
    [InlineData("Hydrants: north / south?", "Hydrants_north_south")]
    [InlineData("", "item")]
    [InlineData("Überführung", "Uberfuhrung")]
    public void FileStem_IsSafeOnEveryOs(string title, string expected) => Assert.Equal(expected, PackageNames.ToFileStem(title));

    [Fact]
    public void TableNames_AreUniqueAndNeverReserved()
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Assert.Equal("Hydrants", PackageNames.ToTableName("Hydrants", used));
        Assert.Equal("hydrants_2", PackageNames.ToTableName("hydrants", used));
        Assert.Equal("l_gpkg_contents", PackageNames.ToTableName("gpkg_contents", used));
        Assert.Equal("t_3D_buildings", PackageNames.ToTableName("3D buildings", used));
        Assert.Equal("l_rtree_x", PackageNames.ToTableName("rtree__x", used));
    }

    /// <summary>Like an HTTP response body: forward-only, no length, and synchronous writes are refused.</summary>
    private sealed class AsyncOnlyForwardStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
