using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Metrics;

/// <summary>scikit-learn's value for one metric on one case, or the message of the error it raised.</summary>
public sealed record SklearnResult(double? Value, string? Error);

/// <summary>One case of tests/fixtures/metrics/metrics.json (written by generate_metrics.py).</summary>
public sealed record SklearnCase(
    string Name,
    ModelTask Task,
    double[] Actual,
    double[] Predicted,
    double[]? Weights,
    IReadOnlyDictionary<string, SklearnResult> Expected);

/// <summary>Reads the scikit-learn reference values once per test run.</summary>
public static class SklearnFixture
{
    private static readonly Lazy<(string Version, Dictionary<string, SklearnCase> Cases)> Loaded = new(Load);

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "fixtures", "metrics", "metrics.json");

    public static string SklearnVersion => Loaded.Value.Version;

    public static IReadOnlyDictionary<string, SklearnCase> Cases => Loaded.Value.Cases;

    private static (string, Dictionary<string, SklearnCase>) Load()
    {
        using var stream = File.OpenRead(Path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        var cases = new Dictionary<string, SklearnCase>(StringComparer.Ordinal);
        foreach (var item in root.GetProperty("cases").EnumerateArray())
        {
            var expected = new Dictionary<string, SklearnResult>(StringComparer.Ordinal);
            foreach (var metric in item.GetProperty("expected").EnumerateObject())
            {
                expected[metric.Name] = metric.Value.TryGetProperty("error", out var error)
                    ? new SklearnResult(null, error.GetString())
                    : new SklearnResult(Number(metric.Value.GetProperty("value")), null);
            }

            var name = item.GetProperty("name").GetString()!;
            cases.Add(name, new SklearnCase(
                name,
                item.GetProperty("task").GetString() == "regression" ? ModelTask.Regression : ModelTask.BinaryClassification,
                Numbers(item.GetProperty("actual")),
                Numbers(item.GetProperty("predicted")),
                item.TryGetProperty("weights", out var weights) ? Numbers(weights) : null,
                expected));
        }

        return (root.GetProperty("sklearn_version").GetString()!, cases);
    }

    /// <summary>A number, or one of the strings "NaN", "Infinity", "-Infinity" the generator writes for non-finite values.</summary>
    private static double Number(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : element.GetDouble();

    private static double[] Numbers(JsonElement array)
    {
        var values = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            values[i++] = Number(element);
        }

        return values;
    }
}
