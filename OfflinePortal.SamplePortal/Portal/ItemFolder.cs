using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace OfflinePortal.SamplePortal.Portal;

/// <summary>
/// Loads extra items from a folder: <c>NAME.item.json</c> holds the item (at least <c>title</c> and <c>type</c>;
/// <c>id</c> optional), <c>NAME.data.json</c> its data (e.g. a web map). In the data, <c>{servicesUrl}</c> is replaced
/// by the sample services URL of the request. A file that cannot be read is logged and skipped.
/// </summary>
internal static class ItemFolder
{
    public static IEnumerable<PortalItem> Load(string folder, HashSet<string> takenIds, ILogger logger)
    {
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("Sample portal items folder {Folder} does not exist; no extra items loaded", folder);
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.item.json").Order(StringComparer.Ordinal))
        {
            var item = TryLoad(file, takenIds, logger);
            if (item is not null)
            {
                takenIds.Add(item.Id);
                yield return item;
            }
        }
    }

    private static PortalItem? TryLoad(string file, HashSet<string> takenIds, ILogger logger)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new JsonException("The item file must hold a JSON object.");
            var title = json["title"]?.GetValue<string>() ?? throw new JsonException("The item needs a 'title'.");
            var type = json["type"]?.GetValue<string>() ?? throw new JsonException("The item needs a 'type'.");
            var baseName = Path.GetFileName(file)[..^".item.json".Length];
            var id = json["id"]?.GetValue<string>() is { Length: > 0 } given ? given.ToLowerInvariant()
                : Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("sample-item:" + baseName)));
            if (!IsItemId(id))
            {
                throw new JsonException($"'{id}' is not an item id (32 hexadecimal characters).");
            }
            if (takenIds.Contains(id))
            {
                throw new JsonException($"Item id {id} is already used.");
            }
            var dataFile = Path.Combine(Path.GetDirectoryName(file)!, baseName + ".data.json");
            string? dataText = null;
            if (File.Exists(dataFile))
            {
                dataText = File.ReadAllText(dataFile);
                using var check = JsonDocument.Parse(dataText.Replace("{servicesUrl}", "http://x", StringComparison.Ordinal));
            }
            var created = json["created"]?.GetValue<long>() ?? File.GetLastWriteTimeUtc(file).Ticks / TimeSpan.TicksPerMillisecond - 62_135_596_800_000L;
            json.Remove("id");
            return new PortalItem
            {
                Id = id,
                Title = title,
                Type = type,
                TypeKeywords = Strings(json["typeKeywords"]),
                Tags = Strings(json["tags"]),
                Snippet = json["snippet"]?.GetValue<string>(),
                Description = json["description"]?.GetValue<string>(),
                Owner = json["owner"]?.GetValue<string>() ?? PortalCatalog.Owner,
                Created = created,
                Modified = json["modified"]?.GetValue<long>() ?? created,
                Data = dataText is null ? _ => null : services => JsonNode.Parse(dataText.Replace("{servicesUrl}", services, StringComparison.Ordinal)),
                Overrides = json,
            };
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Skipped sample portal item file {File}: {Reason}", file, ex.Message);
            return null;
        }
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(n => n?.GetValue<string>() ?? "")] : [];

    private static bool IsItemId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigit);
}
