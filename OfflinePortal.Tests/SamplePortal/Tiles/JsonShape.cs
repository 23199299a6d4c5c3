using System.Text.Json;

namespace OfflinePortal.Tests.SamplePortal.Tiles;

/// <summary>
/// Compares the shape of an answer with a captured fixture: every property the fixture has must be present with
/// the same JSON value kind (true/false count as one kind, a null in the fixture accepts anything), recursively,
/// arrays by their first element.
/// </summary>
internal static class JsonShape
{
    public static IReadOnlyList<string> Differences(JsonElement expected, JsonElement actual, IReadOnlySet<string>? ignore = null)
    {
        var differences = new List<string>();
        Compare(expected, actual, "$", ignore ?? new HashSet<string>(), differences);
        return differences;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, IReadOnlySet<string> ignore, List<string> differences)
    {
        if (ignore.Contains(path) || expected.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (Kind(expected) != Kind(actual))
        {
            differences.Add($"{path}: expected {expected.ValueKind}, got {actual.ValueKind}");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in expected.EnumerateObject())
                {
                    if (ignore.Contains($"{path}.{property.Name}"))
                    {
                        continue;
                    }
                    if (!actual.TryGetProperty(property.Name, out var value))
                    {
                        differences.Add($"{path}.{property.Name}: missing");
                        continue;
                    }
                    Compare(property.Value, value, $"{path}.{property.Name}", ignore, differences);
                }
                break;
            case JsonValueKind.Array when expected.GetArrayLength() > 0:
                if (actual.GetArrayLength() == 0)
                {
                    differences.Add($"{path}: expected items, got an empty array");
                    break;
                }
                Compare(expected[0], actual[0], $"{path}[]", ignore, differences);
                break;
        }
    }

    private static JsonValueKind Kind(JsonElement element) =>
        element.ValueKind == JsonValueKind.False ? JsonValueKind.True : element.ValueKind;
}
