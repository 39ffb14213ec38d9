using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A bounded sample of the source for the LLM's prompt: arrays cut to their first items with a last item that counts
/// the rest (<c>"… 99,997 more items"</c>), long strings shortened (<c>"… 1,200 more characters"</c>), objects cut
/// after 100 members; while the sample is longer than its limit, it shows one item per array, then shorter strings,
/// then fewer levels (deeper values replaced by <c>"{… 12 members}"</c> or <c>"[… 3 items]"</c>).
/// </summary>
internal static class SourceSample
{
    private const int MaxMembers = 100;

    private const int ShortStrings = 40;

    /// <summary>The sample's compact JSON text, at most <see cref="MetadataImportOptions.SampleMaxChars"/> characters.</summary>
    public static string Build(JsonElement root, MetadataImportOptions options)
    {
        var items = options.SampleArrayItems;
        var strings = options.SampleStringLength;
        var depth = 64;
        while (true)
        {
            var text = Cut(root, items, strings, depth)?.ToJsonString(JsonText.Compact) ?? "null";
            if (text.Length <= options.SampleMaxChars || depth == 0)
            {
                return text;
            }

            if (items > 1)
            {
                items = 1;
            }
            else if (strings > ShortStrings)
            {
                strings = ShortStrings;
            }
            else
            {
                depth = Math.Min(depth, Depth(root)) - 1;
            }
        }
    }

    private static JsonNode? Cut(JsonElement value, int items, int strings, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var count = value.EnumerateObject().Count();
                if (depth == 0)
                {
                    return $"{{… {Members(count)}}}";
                }

                var obj = new JsonObject();
                foreach (var member in value.EnumerateObject().Take(MaxMembers))
                {
                    obj[member.Name] = Cut(member.Value, items, strings, depth - 1);
                }

                if (count > MaxMembers)
                {
                    obj["…"] = $"{JsonText.Count(count - MaxMembers)} more members";
                }

                return obj;
            case JsonValueKind.Array:
                var length = value.GetArrayLength();
                if (depth == 0)
                {
                    return $"[… {Items(length)}]";
                }

                var array = new JsonArray();
                foreach (var item in value.EnumerateArray().Take(items))
                {
                    array.Add(Cut(item, items, strings, depth - 1));
                }

                if (length > items)
                {
                    array.Add($"… {JsonText.Count(length - items)} more {(length - items == 1 ? "item" : "items")}");
                }

                return array;
            case JsonValueKind.String:
                var text = value.GetString()!;
                return text.Length <= strings ? text : $"{text[..strings]}… {JsonText.Count(text.Length - strings)} more characters";
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(m => Depth(m.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Take(1).Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static string Members(int count) => count == 1 ? "1 member" : $"{JsonText.Count(count)} members";

    private static string Items(int count) => count == 1 ? "1 item" : $"{JsonText.Count(count)} items";
}
