using System.Globalization;
using ModelOps.Core.Explain;
using ModelOps.Core.Metrics;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Registry;

/// <summary>
/// A model version's figures from its real training and validation data, for the model page's Analytics tab and
/// <c>GET /api/models/{name}/analytics</c>: the metrics it was registered with (the training run's test part) and their
/// change against the previous version, every version's metrics (for charts across versions), the tuning run that chose
/// its parameters (cross-validated scores of every trial), the evaluation runs of the version, its feature importances,
/// and every metric of those runs.
/// </summary>
internal sealed class ModelAnalytics(IModelStore store)
{
    /// <summary>The analytics of version <paramref name="version"/> of <paramref name="model"/> (default: its Champion, else its latest).</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such model or version.</exception>
    public async Task<ModelAnalyticsView> GetAsync(string model, int? version, CancellationToken cancellationToken)
    {
        var registered = await store.GetModelAsync(model, cancellationToken).ConfigureAwait(false);
        var versions = await store.ListVersionsAsync(model, cancellationToken).ConfigureAwait(false);
        var number = version
            ?? (registered.Aliases.TryGetValue(ModelCatalog.ChampionAlias, out var champion) ? champion : registered.LatestVersion)
            ?? throw new StoreException(StoreErrorKind.NotFound, $"model '{model}' has no versions yet");
        var selected = versions.FirstOrDefault(v => v.Version == number) ?? await store.GetVersionAsync(model, number, cancellationToken).ConfigureAwait(false);
        var points = versions.Select(v => new VersionMetrics(v.Version, v.CreatedAt, v.Aliases, RegisteredMetrics(v))).ToList();
        var previous = points.LastOrDefault(p => p.Version < number);
        var mine = points.Single(p => p.Version == number);
        var keyMetrics = mine.Metrics
            .OrderBy(m => MetricOrder(m.Key))
            .Select(m => new MetricChange(
                m.Key,
                m.Value,
                previous?.Version,
                previous is not null && previous.Metrics.TryGetValue(m.Key, out var before) ? before : null,
                MetricCatalog.TryGet(m.Key, out var metric) ? metric.GreaterIsBetter : null))
            .ToList();

        var details = new List<MetricGroup>();
        TuningSummary? tuning = null;
        FeatureImportanceFile? importances = null;
        var external = RegisteredModels.IsExternal(selected);
        if (selected.RunId is { } runId)
        {
            // A native version's run is its training (metrics of its test part); an external version's is its import.
            var training = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            details.Add(new MetricGroup($"{(external ? "Imported metadata" : "Test part")} ({training.Info.Name})", runId, Latest(training.Metrics)));
            if (training.Artifacts.Any(a => a.Path == FeatureImportanceFile.ArtifactPath))
            {
                await using var content = await store.OpenArtifactAsync(runId, FeatureImportanceFile.ArtifactPath, cancellationToken).ConfigureAwait(false);
                importances = await FeatureImportanceFile.ReadAsync(content, cancellationToken).ConfigureAwait(false);
            }

            if (training.Tags.TryGetValue("tuning_run", out var tuningRunId))
            {
                tuning = await TuningAsync(tuningRunId, cancellationToken).ConfigureAwait(false);
                var tuningRun = await store.GetRunAsync(tuningRunId, cancellationToken).ConfigureAwait(false);
                details.Add(new MetricGroup($"Cross-validation ({tuningRun.Info.Name})", tuningRunId, Latest(tuningRun.Metrics.Where(m => !m.Key.StartsWith("trial_", StringComparison.Ordinal)))));
            }
        }

        var evaluations = await EvaluationsAsync(model, number, cancellationToken).ConfigureAwait(false);
        details.AddRange(evaluations.Select(e => new MetricGroup($"Evaluation ({e.Name}, {e.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)", e.RunId, e.Metrics)));
        return new ModelAnalyticsView(model, number, selected.RunId, points, keyMetrics, tuning, evaluations, importances, details) { External = external, ExternalModelFile = external ? selected.Tags.GetValueOrDefault(RegisteredModels.ModelFileTag) : null };
    }

    // The metrics a version was registered with (kept as its tags): those the metric catalog names.
    private static SortedDictionary<string, double> RegisteredMetrics(ModelVersion version)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, text) in version.Tags)
        {
            if (MetricCatalog.TryGet(key, out _) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                metrics[key] = value;
            }
        }

        return metrics;
    }

    // The key metric of the task first, then the catalog's order.
    private static int MetricOrder(string name) =>
        MetricCatalog.PrimaryAmong([name]) is not null ? -1 : Math.Max(0, MetricCatalog.Names.ToList().IndexOf(name.ToLowerInvariant()));

    private static SortedDictionary<string, double> Latest(IEnumerable<MetricPoint> metrics)
    {
        var latest = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var point in metrics)
        {
            latest[point.Key] = point.Value;
        }

        return latest;
    }

    private async Task<TuningSummary> TuningAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var metric = run.Parameters.TryGetValue("metric", out var name) ? name : "score";
        var best = run.Metrics.FirstOrDefault(m => m.Key == $"best_{metric}");
        var searched = run.Parameters.Keys.Where(k => k.StartsWith("best.", StringComparison.Ordinal)).Select(k => k[5..]).Order(StringComparer.Ordinal).ToList();
        var bestParameters = searched.ToDictionary(p => p, p => run.Parameters[$"best.{p}"], StringComparer.Ordinal);
        var trials = new List<TuningTrial>();
        if (run.Metrics.Any(m => m.Key == "trial_score"))
        {
            foreach (var point in await store.GetMetricHistoryAsync(runId, "trial_score", cancellationToken).ConfigureAwait(false))
            {
                var candidate = (int)point.Step;
                var parameters = run.Parameters.TryGetValue($"trial.{candidate}", out var text) ? TrialParameters(text, searched) : new Dictionary<string, string>();
                trials.Add(new TuningTrial(candidate, point.Value, parameters));
            }
        }

        return new TuningSummary(runId, run.Info.Name, metric, best?.Value, bestParameters, searched, trials);
    }

    // "learning_rate=0.1, max_depth=2" (a candidate's parameters as the tuning run logged them) by name.
    private static Dictionary<string, string> TrialParameters(string text, IReadOnlyList<string> names)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var starts = names
            .Select(n => (Name: n, At: text.StartsWith(n + "=", StringComparison.Ordinal) ? 0 : text.IndexOf(", " + n + "=", StringComparison.Ordinal) is var i and >= 0 ? i + 2 : -1))
            .Where(s => s.At >= 0)
            .OrderBy(s => s.At)
            .ToList();
        for (var i = 0; i < starts.Count; i++)
        {
            var from = starts[i].At + starts[i].Name.Length + 1;
            var to = i + 1 < starts.Count ? starts[i + 1].At - 2 : text.Length;
            values[starts[i].Name] = text[from..to];
        }

        return values;
    }

    private async Task<IReadOnlyList<EvaluationSummary>> EvaluationsAsync(string model, int version, CancellationToken cancellationToken)
    {
        var filter = string.Create(CultureInfo.InvariantCulture, $"tags.job = 'EvaluationsJob' and tags.model = '{model.Replace("'", "''", StringComparison.Ordinal)}' and tags.model_version = '{version}'");
        var page = await store.SearchRunsAsync(new RunSearch { Filter = filter, Limit = 100 }, cancellationToken).ConfigureAwait(false);
        return [.. page.Runs.Select(r => new EvaluationSummary(r.Info.Id, r.Info.Name, r.Info.Status, r.Info.StartedAt, r.Metrics))];
    }
}

/// <summary>The Analytics tab of a model version (<c>GET /api/models/{name}/analytics</c>).</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version shown.</param>
/// <param name="TrainingRunId">The run that trained it (for an external version, the run that imported it), or <see langword="null"/>.</param>
/// <param name="Versions">Every version, oldest first, with the metrics it was registered with.</param>
/// <param name="KeyMetrics">The version's registered metrics (its task's key metric first), each with the previous version's value.</param>
/// <param name="Tuning">The tuning run that chose its parameters, or <see langword="null"/>.</param>
/// <param name="Evaluations">The evaluation runs of this version, newest first.</param>
/// <param name="Importances">Its feature importances on its test part (kinds <c>mean_abs_shap</c> and <c>gain</c>), those an import gave (kind <c>imported</c>, on the source's scale), or <see langword="null"/> (trained before they were logged, or imported without any).</param>
/// <param name="Details">Every metric of those runs, by run.</param>
public sealed record ModelAnalyticsView(
    string Model,
    int Version,
    string? TrainingRunId,
    IReadOnlyList<VersionMetrics> Versions,
    IReadOnlyList<MetricChange> KeyMetrics,
    TuningSummary? Tuning,
    IReadOnlyList<EvaluationSummary> Evaluations,
    FeatureImportanceFile? Importances,
    IReadOnlyList<MetricGroup> Details)
{
    /// <summary>
    /// Whether the version is external: metadata imported from another tool, with or without its model file. Its metrics
    /// are the ones the metadata gave (not scored here), its run is the import's and its importances are on the source's scale.
    /// </summary>
    public bool External { get; init; }

    /// <summary>The format of an external version's model file (<c>xgboost</c>), or <see langword="null"/>: metadata only (or a native version).</summary>
    public string? ExternalModelFile { get; init; }
}

/// <summary>One version and the metrics it was registered with.</summary>
/// <param name="Version">The version.</param>
/// <param name="CreatedAt">When it was registered (UTC).</param>
/// <param name="Aliases">The aliases that point at it.</param>
/// <param name="Metrics">Its test-part metrics, by name.</param>
public sealed record VersionMetrics(int Version, DateTimeOffset CreatedAt, IReadOnlyList<string> Aliases, IReadOnlyDictionary<string, double> Metrics);

/// <summary>A metric of a version against the version before it.</summary>
/// <param name="Name">The metric.</param>
/// <param name="Value">Its value.</param>
/// <param name="PreviousVersion">The version before, or <see langword="null"/> for the first.</param>
/// <param name="Previous">The metric's value for the version before, or <see langword="null"/>.</param>
/// <param name="GreaterIsBetter">Whether larger is better, or <see langword="null"/> for a metric the catalog does not know.</param>
public sealed record MetricChange(string Name, double Value, int? PreviousVersion, double? Previous, bool? GreaterIsBetter)
{
    /// <summary>The change from the previous version, or <see langword="null"/>.</summary>
    public double? Change => Previous is { } before ? Value - before : null;

    /// <summary>Whether the change is for the better, or <see langword="null"/> when unknown or unchanged.</summary>
    public bool? Improved => Change is { } change && change != 0 && GreaterIsBetter is { } greater ? change > 0 == greater : null;
}

/// <summary>The tuning run that chose a version's parameters.</summary>
/// <param name="RunId">The tuning run.</param>
/// <param name="RunName">Its name.</param>
/// <param name="Metric">The metric it searched by.</param>
/// <param name="BestScore">The best candidate's cross-validated score.</param>
/// <param name="BestParameters">The best candidate's parameters.</param>
/// <param name="SearchedParameters">The parameters it searched.</param>
/// <param name="Trials">Every candidate's cross-validated score and parameters.</param>
public sealed record TuningSummary(string RunId, string RunName, string Metric, double? BestScore, IReadOnlyDictionary<string, string> BestParameters, IReadOnlyList<string> SearchedParameters, IReadOnlyList<TuningTrial> Trials);

/// <summary>One candidate of a tuning run.</summary>
/// <param name="Candidate">Its index.</param>
/// <param name="Score">Its mean cross-validated score.</param>
/// <param name="Parameters">Its searched parameters.</param>
public sealed record TuningTrial(int Candidate, double Score, IReadOnlyDictionary<string, string> Parameters);

/// <summary>An evaluation run of a version.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Finished, or failed when a metric missed its threshold.</param>
/// <param name="StartedAt">When it ran (UTC).</param>
/// <param name="Metrics">Its metrics.</param>
public sealed record EvaluationSummary(string RunId, string Name, RunStatus Status, DateTimeOffset StartedAt, IReadOnlyDictionary<string, double> Metrics);

/// <summary>The metrics of one run, for the collapsible sections.</summary>
/// <param name="Title">What the run was for.</param>
/// <param name="RunId">The run.</param>
/// <param name="Metrics">Its metrics (latest values), by name.</param>
public sealed record MetricGroup(string Title, string? RunId, IReadOnlyDictionary<string, double> Metrics);
