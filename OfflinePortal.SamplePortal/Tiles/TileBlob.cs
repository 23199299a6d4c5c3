using System.Security.Cryptography;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>
/// A rendered tile: its bytes, the gzip form when the format is served compressed (vector tiles), and a strong
/// ETag over the content.
/// </summary>
internal sealed class TileBlob
{
    public TileBlob(byte[] bytes, byte[]? gzipped = null)
    {
        Bytes = bytes;
        Gzipped = gzipped;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        ETag = "\"" + Convert.ToHexStringLower(hash[..12]) + "\"";
    }

    public byte[] Bytes { get; }

    public byte[]? Gzipped { get; }

    public string ETag { get; }

    public long Size => Bytes.Length + (Gzipped?.Length ?? 0) + 64;
}
