using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace OfflinePortal.SamplePortal.Tiles;

/// <summary>An exported map image kept for its <c>href</c> (dynamic export with <c>f=json</c>).</summary>
internal sealed record ExportedImage(byte[] Bytes, string ContentType);

/// <summary>
/// Holds the images that <c>export?f=json</c> points at, like ArcGIS's output directory: bounded in size and
/// forgotten after the job retention time.
/// </summary>
internal sealed class ExportImageStore(IOptions<SampleTileOptions> options, TimeProvider timeProvider) : IDisposable
{
    private const long MaxBytes = 64L * 1024 * 1024;

    private readonly MemoryCache _images = new(new MemoryCacheOptions { SizeLimit = MaxBytes, Clock = new SystemClockAdapter(timeProvider) });

    public string Add(ExportedImage image)
    {
        var name = $"_ags_map{Guid.NewGuid():N}.{(image.ContentType == "image/jpeg" ? "jpg" : "png")}";
        using var entry = _images.CreateEntry(name);
        entry.Value = image;
        entry.Size = image.Bytes.Length;
        entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(options.Value.JobRetentionMinutes);
        return name;
    }

    public ExportedImage? Find(string name) => _images.TryGetValue(name, out ExportedImage? image) ? image : null;

    public void Dispose() => _images.Dispose();

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes the older ISystemClock.
    private sealed class SystemClockAdapter(TimeProvider timeProvider) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
#pragma warning restore CS0618
}
