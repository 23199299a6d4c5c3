using OfflinePortal.Core.ArcGis;

namespace OfflinePortal.Tests.ArcGis;

/// <summary>Reading a whole streamed answer: exact bytes whether or not the length is announced, and a short body is an error.</summary>
public sealed class ArcGisDownloadTests
{
    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 % 251))];

    /// <summary>A stream that hands out at most a few bytes per read, as a network does.</summary>
    private sealed class Trickle(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1_000)], cancellationToken);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(10, true)]
    [InlineData(65_536, false)]       // exactly the first rented buffer: must grow, not stop
    [InlineData(300_000, false)]      // several doublings
    [InlineData(300_000, true)]
    public async Task ReadPooledAndReadAll_GiveExactlyTheBody(int length, bool announced)
    {
        var body = Bytes(length);
        await using (var download = new ArcGisDownload(new Trickle(body), "http://x/tile", "image/png", null, announced ? length : null, null))
        {
            using var pooled = await download.ReadPooledAsync();
            Assert.Equal(length, pooled.Length);
            Assert.True(body.AsSpan().SequenceEqual(pooled.Memory.Span));
        }
        await using (var download = new ArcGisDownload(new Trickle(body), "http://x/tile", "image/png", null, announced ? length : null, null))
        {
            Assert.Equal(body, await download.ReadAllBytesAsync());
        }
    }

    [Fact]
    public async Task ReadAll_BodyShorterThanAnnounced_IsAConnectionError()
    {
        await using var download = new ArcGisDownload(new Trickle(Bytes(1_000)), "http://x/tile?token=secret", "image/png", null, 5_000, null);
        var error = await Assert.ThrowsAsync<ArcGisConnectionException>(() => download.ReadAllBytesAsync());
        Assert.Contains("1,000 of the 5,000 bytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PooledBytes_DisposedTwice_ReturnsOnce_AndCannotBeReadAfter()
    {
        var bytes = new PooledBytes(System.Buffers.ArrayPool<byte>.Shared.Rent(16), 16);
        bytes.Dispose();
        bytes.Dispose();
        Assert.Throws<ObjectDisposedException>(() => bytes.Memory);
    }
}
