using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>One case of tests/fixtures/analytics/analytics.json: logged rows and the figures Python computed from them.</summary>
public sealed record AnalyticsCase(string Name, ModelTask Task, AnalyticsOptions Options, IReadOnlyList<ScoredRow> Rows, JsonElement Expected)
{
    public override string ToString() => Name;
}

/// <summary>Reads the reference file written by tests/fixtures/analytics/generate_analytics.py, once per test run.</summary>
public static class AnalyticsFixture
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path));
        return document.RootElement.Clone();
    });

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "analytics", "analytics.json");

    public static JsonElement Document => Root.Value;

    public static IEnumerable<string> CaseNames()
    {
        foreach (var item in Document.GetProperty("cases").EnumerateArray())
        {
            yield return item.GetProperty("name").GetString()!;
        }
    }

    public static AnalyticsCase Case(string name)
    {
        foreach (var item in Document.GetProperty("cases").EnumerateArray())
        {
            if (item.GetProperty("name").GetString() != name)
            {
                continue;
            }

            var rows = new List<ScoredRow>();
            foreach (var r in item.GetProperty("rows").EnumerateArray())
            {
                rows.Add(new ScoredRow(
                    r.GetProperty("model").GetString()!,
                    r.GetProperty("version").GetInt32(),
                    r.GetProperty("role").GetString()!,
                    DateTimeOffset.Parse(r.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture),
                    Number(r.GetProperty("prediction"))!.Value,
                    Number(r.GetProperty("probability")),
                    Number(r.GetProperty("label")),
                    Number(r.GetProperty("latencyMs"))!.Value,
                    r.GetProperty("error").GetBoolean()));
            }

            var champion = item.GetProperty("champion");
            var options = new AnalyticsOptions
            {
                ChampionModel = champion.GetProperty("model").GetString()!,
                ChampionVersion = champion.GetProperty("version").GetInt32(),
                BucketSize = TimeSpan.FromSeconds(Document.GetProperty("bucket_seconds").GetDouble()),
                Confidence = Document.GetProperty("confidence").GetDouble(),
                SequenceOptimalPairs = Document.GetProperty("sequence_optimal_pairs").GetInt32(),
                MinimumPairs = Document.GetProperty("minimum_pairs").GetInt32(),
            };
            var task = item.GetProperty("task").GetString() == "regression" ? ModelTask.Regression : ModelTask.BinaryClassification;
            return new AnalyticsCase(name, task, options, rows, item.GetProperty("expected"));
        }

        throw new ArgumentException($"No case '{name}' in {Path}.", nameof(name));
    }

    /// <summary>A number, null, or one of the strings "NaN", "Infinity", "-Infinity" the generator writes for non-finite values.</summary>
    public static double? Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException($"Not a number: '{other}'."),
        },
        _ => element.GetDouble(),
    };
}
