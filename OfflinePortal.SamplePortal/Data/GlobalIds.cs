namespace OfflinePortal.SamplePortal.Data;

/// <summary>GlobalIDs as ArcGIS writes them: <c>{UPPERCASE-GUID}</c> with braces.</summary>
internal static class GlobalIds
{
    public static string Format(Guid g) => g.ToString("B").ToUpperInvariant();

    public static string New() => Format(Guid.NewGuid());

    /// <summary>Accepts any GUID spelling (braces or not, any case); null when it is not a GUID.</summary>
    public static string? Normalize(string? value) =>
        value is not null && Guid.TryParse(value.Trim(), out var g) ? Format(g) : null;

    /// <summary>A GUID fixed by (kind, index), so generated data is the same on every machine without keeping ids in memory.</summary>
    public static string Deterministic(int kind, long index)
    {
        Span<byte> bytes = stackalloc byte[16];
        var a = SplitMix((ulong)kind * 0x9E3779B97F4A7C15UL ^ (ulong)index);
        var b = SplitMix(a ^ 0xD1B54A32D192ED03UL);
        BitConverter.TryWriteBytes(bytes, a);
        BitConverter.TryWriteBytes(bytes[8..], b);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return Format(new Guid(bytes));
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
