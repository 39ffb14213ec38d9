using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Analytics;

namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>
/// Compares a report served from statistics with the exact report of the same rows, field by field as the API writes
/// them: counts and strings equal, numbers from sums equal up to rounding (1e-9 relative), latency percentiles within
/// <see cref="LatencySketch.RelativeAccuracy"/>, the ROC AUC and its interval within the served error bound; issues
/// compared as a set (the served ones carry no first row).
/// </summary>
public static class ReportAssert
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly string[] Percentiles = ["p50", "p95", "p99", "latencyP95"];

    public static void Equivalent(GroupAnalyticsReport exact, GroupAnalyticsReport served)
    {
        var a = JsonSerializer.SerializeToNode(exact, Web)!.AsObject();
        var b = JsonSerializer.SerializeToNode(served, Web)!.AsObject();
        Assert.Equal(Issues(a), Issues(b));
        a.Remove("issues");
        b.Remove("issues");
        Walk(a, b, "$", null);
    }

    private static List<string> Issues(JsonObject report) =>
        [.. report["issues"]!.AsArray().Select(i => $"{i!["model"]} v{i["version"]} {i["field"]}: {i["problem"]} x{i["count"]}").Order(StringComparer.Ordinal)];

    private static void Walk(JsonNode? exact, JsonNode? served, string path, double? aucBound)
    {
        switch (exact)
        {
            case null:
                Assert.True(served is null, $"{path}: exact null, served {served?.ToJsonString()}");
                return;
            case JsonObject a:
                var b = Assert.IsType<JsonObject>(served);
                var bound = path.EndsWith(".rocAuc", StringComparison.Ordinal) ? b["errorBound"]?.GetValue<double>() : aucBound;
                foreach (var (key, value) in a)
                {
                    if (key is "relativeError" or "errorBound" or "firstRow")
                    {
                        continue;
                    }

                    Walk(value, b[key], $"{path}.{key}", bound);
                }

                Assert.Equal(a.Select(p => p.Key).Order(StringComparer.Ordinal), b.Select(p => p.Key).Order(StringComparer.Ordinal));
                return;
            case JsonArray list:
                var other = Assert.IsType<JsonArray>(served);
                Assert.True(list.Count == other.Count, $"{path}: {list.Count} items exact, {other.Count} served");
                for (var i = 0; i < list.Count; i++)
                {
                    Walk(list[i], other[i], $"{path}[{i}]", aucBound);
                }

                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                var x = value.GetValue<double>();
                var y = Assert.IsAssignableFrom<JsonValue>(served).GetValue<double>();
                var name = path[(path.LastIndexOf('.') + 1)..];
                var tolerance = Percentiles.Contains(name) ? LatencySketch.RelativeAccuracy * Math.Abs(x)
                    : aucBound is { } b2 && name is "value" or "lower" or "upper" ? 2 * b2 + 1e-12
                    : 1e-9 * Math.Max(1.0, Math.Abs(x));
                Assert.True(Math.Abs(x - y) <= tolerance, $"{path}: exact {x}, served {y} (tolerance {tolerance})");
                return;
            default:
                Assert.Equal(exact.ToJsonString(), served?.ToJsonString());
                return;
        }
    }
}
