using System.Globalization;
using SkiaSharp;

namespace OfflinePortal.Core.Offline;

/// <summary>Checks images used as item thumbnails: a portal's thumbnail passed on, or one a supervisor uploads for a package.</summary>
public static class ItemThumbnail
{
    /// <summary>Largest uploaded thumbnail accepted (ArcGIS recommends 600×400; a few hundred KB at most).</summary>
    public const int MaxUploadBytes = 1024 * 1024;

    /// <summary>Widest or tallest uploaded thumbnail accepted, in pixels.</summary>
    public const int MaxDimension = 4096;

    /// <summary>The image type the first bytes announce (PNG, JPEG, GIF, WebP), or null when they are not one of those.</summary>
    public static string? SniffContentType(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    /// <summary>
    /// Null when <paramref name="bytes"/> is a PNG or JPEG that decodes, at most <see cref="MaxUploadBytes"/> and
    /// <see cref="MaxDimension"/> pixels wide and tall; otherwise the reason, in words for the person who uploaded it.
    /// </summary>
    public static string? Validate(ReadOnlySpan<byte> bytes, string? fileName = null)
    {
        var name = string.IsNullOrWhiteSpace(fileName) ? "The thumbnail" : $"The file {fileName}";
        if (bytes.Length == 0)
        {
            return $"{name} is empty.";
        }
        if (bytes.Length > MaxUploadBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} is larger than {MaxUploadBytes / 1024} KB; use a smaller picture (600×400 is usual).");
        }
        var type = SniffContentType(bytes);
        if (type is not ("image/png" or "image/jpeg"))
        {
            return $"{name} is not a PNG or JPEG picture.";
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return $"{name} cannot be read as a picture (it is damaged or not really a {(type == "image/png" ? "PNG" : "JPEG")}).";
        }
        var info = codec.Info;
        if (info.Width < 1 || info.Height < 1 || info.Width > MaxDimension || info.Height > MaxDimension)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name} is {info.Width}×{info.Height} pixels; at most {MaxDimension}×{MaxDimension} are accepted.");
        }
        using var bitmap = new SKBitmap(info.Width, info.Height);
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return result == SKCodecResult.Success
            ? null
            : $"{name} cannot be read as a picture (it is damaged).";
    }
}
