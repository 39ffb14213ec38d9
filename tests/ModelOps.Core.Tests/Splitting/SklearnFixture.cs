using System.Text.Json;
using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Splitting;

/// <summary>One case of tests/fixtures/splitters/splitters.json, written by generate_splitters.py with scikit-learn 1.2.1.</summary>
public sealed record SklearnCase(
    string Name,
    string Kind,
    Dictionary<string, JsonElement> Params,
    int N,
    double[]? Labels,
    SklearnFold[]? Folds,
    string? Error,
    string? Warning)
{
    public override string ToString() => Name;

    /// <summary>Our options for the case's scikit-learn parameters (unshuffled, as the fixtures are).</summary>
    public SplitterOptions ToOptions() => Kind switch
    {
        SplitterKinds.KFold => new KFoldOptions { NSplits = Int("n_splits")!.Value },
        SplitterKinds.StratifiedKFold => new StratifiedKFoldOptions { NSplits = Int("n_splits")!.Value },
        SplitterKinds.TimeSeriesSplit => new TimeSeriesSplitOptions
        {
            NSplits = Int("n_splits")!.Value,
            TestSize = Int("test_size"),
            Gap = Int("gap") ?? 0,
            MaxTrainSize = Int("max_train_size"),
        },
        SplitterKinds.TrainTestSplit => new TrainTestSplitOptions { TestSize = Size("test_size"), TrainSize = Size("train_size") },
        _ => throw new InvalidOperationException($"Unknown kind {Kind} in case {Name}."),
    };

    private int? Int(string name) => Params.TryGetValue(name, out var value) ? value.GetInt32() : null;

    // scikit-learn tells a count from a fraction by the Python type: JSON keeps 3 and 0.25 apart.
    private SplitSize? Size(string name) => Params.TryGetValue(name, out var value)
        ? value.GetRawText().IndexOfAny(['.', 'e', 'E']) >= 0 ? SplitSize.FromFraction(value.GetDouble()) : SplitSize.FromCount(value.GetInt32())
        : null;
}

/// <summary>One fold's indices as [start, stop) runs.</summary>
public sealed record SklearnFold(int[][] Train, int[][] Test)
{
    public static int[] Expand(int[][] runs)
    {
        var rows = new List<int>();
        foreach (var run in runs)
        {
            for (var i = run[0]; i < run[1]; i++)
            {
                rows.Add(i);
            }
        }

        return [.. rows];
    }
}

/// <summary>Loads the fixture once per test run.</summary>
public static class SklearnFixture
{
    private static readonly Lazy<Dictionary<string, SklearnCase>> Cases = new(Load);

    public static string SklearnVersion { get; private set; } = "";

    public static SklearnCase Get(string name) => Cases.Value[name];

    public static TheoryData<string> SplitCases() => Names(c => c.Error is null);

    public static TheoryData<string> ErrorCases() => Names(c => c.Error is not null);

    private static TheoryData<string> Names(Func<SklearnCase, bool> predicate)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Value.Values)
        {
            if (predicate(c))
            {
                data.Add(c.Name);
            }
        }

        return data;
    }

    private static Dictionary<string, SklearnCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "splitters", "splitters.json");
        using var stream = File.OpenRead(path);
        var document = JsonSerializer.Deserialize<FixtureDocument>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"{path} is empty.");
        SklearnVersion = document.SklearnVersion;
        var cases = new Dictionary<string, SklearnCase>(StringComparer.Ordinal);
        foreach (var c in document.Cases)
        {
            cases.Add(c.Name, c);
        }

        return cases;
    }

    private sealed record FixtureDocument(
        [property: System.Text.Json.Serialization.JsonPropertyName("sklearn_version")] string SklearnVersion,
        SklearnCase[] Cases);
}
