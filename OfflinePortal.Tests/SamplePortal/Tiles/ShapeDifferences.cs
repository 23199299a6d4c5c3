using System.Text.Json;
using OfflinePortal.Tests.Conformance;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>
/// <see cref="JsonShape"/> with fields left out: the capture's emulator-only fields, or parts a service of another
/// kind does not have (a dynamic service's tiling).
/// </summary>
internal static class ShapeDifferences
{
    public static IReadOnlyList<string> Of(JsonElement fixture, JsonElement actual, IReadOnlySet<string>? ignore = null) =>
        [.. JsonShape.Differences(fixture, actual).Where(d => ignore is null || !ignore.Any(i => d.StartsWith(i + ":", StringComparison.Ordinal) || d.StartsWith(i + ".", StringComparison.Ordinal) || d.StartsWith(i + "[", StringComparison.Ordinal)))];
}
