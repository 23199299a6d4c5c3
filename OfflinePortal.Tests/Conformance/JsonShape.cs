using System.Text.Json;

namespace OfflinePortal.Tests.Conformance;

/// <summary>
/// Compares the shape of an answer with a captured fixture: every field the fixture has must be present with the
/// same JSON value type (numbers, strings, booleans, objects, arrays; a null in the fixture accepts anything).
/// Arrays are compared through their first element. Extra fields in the answer are allowed.
/// </summary>
public static class JsonShape
{
    /// <summary>Objects whose keys are data (attribute names), not protocol: compared as "an object", not key by key.</summary>
    private static readonly HashSet<string> DataObjects = ["attributes", "properties", "prototype"];

    public static IReadOnlyList<string> Differences(JsonElement fixture, JsonElement actual, string path = "$")
    {
        var diffs = new List<string>();
        Compare(fixture, actual, path, diffs);
        return diffs;
    }

    private static void Compare(JsonElement f, JsonElement a, string path, List<string> diffs)
    {
        if (f.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (Kind(f) != Kind(a))
        {
            if (a.ValueKind != JsonValueKind.Null)
            {
                diffs.Add($"{path}: fixture has {f.ValueKind}, answer has {a.ValueKind}");
            }
            return;
        }
        switch (f.ValueKind)
        {
            case JsonValueKind.Object:
                if (DataObjects.Contains(path[(path.LastIndexOf('.') + 1)..]))
                {
                    break;
                }
                foreach (var p in f.EnumerateObject())
                {
                    if (!a.TryGetProperty(p.Name, out var av))
                    {
                        diffs.Add($"{path}.{p.Name}: missing");
                        continue;
                    }
                    Compare(p.Value, av, $"{path}.{p.Name}", diffs);
                }
                break;
            case JsonValueKind.Array:
                if (f.GetArrayLength() > 0 && a.GetArrayLength() > 0)
                {
                    Compare(f[0], a[0], path + "[0]", diffs);
                }
                break;
        }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        var k => k.ToString(),
    };
}
