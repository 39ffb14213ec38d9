using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Models;
using ModelOps.Core.Search;
using ModelOps.Core.Splitting;
using ModelOps.Jobs.Metrics;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Searches hyper-parameters: reads and checks the labelled data, records its lineage, scores every
/// candidate of the searcher by cross-validation with the splitter (time-series folds by default),
/// logs every trial in the run (<c>trial_score</c> at step = candidate index, its parameters as
/// <c>trial.N</c>, the whole table as the artifact <c>trials.csv</c>) and the best parameters and score.
/// </summary>
public sealed record TuningJob : FittingJob
{
    /// <summary>The kind name.</summary>
    public const string KindName = "TuningJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The candidates: a grid or random search over the model's parameters.</summary>
    public required SearchOptions Searcher { get; init; }

    /// <summary>The folds; five time-series folds when not set.</summary>
    public SplitterOptions Splitter { get; init; } = new TimeSeriesSplitOptions();

    /// <summary>The score to optimise; <c>rmse</c> (regression) or <c>roc_auc</c> (classification) when not set.</summary>
    public JobMetric? Metric { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (inputs, target) = await ReadFeatureDataAsync(context).ConfigureAwait(false);
        var model = new Model(Features, Model);
        var metric = Metric ?? DefaultMetrics.Primary(model.Task);
        var splitter = Core.Splitting.Splitter.Create(Splitter);
        var searcher = Core.Search.Searcher.Create(Searcher with { Refit = false });
        await context.Store.LogParametersAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = Model.Kind,
            ["searcher"] = Searcher.Kind,
            ["splitter"] = Splitter.Kind,
            ["metric"] = metric.Name,
            ["candidates"] = searcher.Candidates.Count.ToString(CultureInfo.InvariantCulture),
            ["folds"] = splitter.SplitCount.ToString(CultureInfo.InvariantCulture),
        }, context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("searching {Candidates} candidates x {Folds} folds of {Model} by {Metric}", searcher.Candidates.Count, splitter.SplitCount, Model.Kind, metric.Name);

        SearchResult result;
        using (var step = context.Progress.Start($"Tuning {Model.Kind} ({searcher.Candidates.Count} candidates x {splitter.SplitCount} folds)", searcher.Candidates.Count))
        {
            var progress = new InlineProgress<SearchProgress>(_ => step.Advance(1));
            result = await Task.Run(() => searcher.Run(model, inputs, target, splitter, metric.Metric, progress, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
            step.Complete();
        }

        await LogTrialsAsync(context, result).ConfigureAwait(false);
        var best = result.Trials[result.BestIndex];
        context.Logger.LogInformation("best {Metric} = {Score} with {Parameters}", result.Metric, best.MeanScore, best.Parameters);
        return new TuningResult
        {
            Metric = result.Metric,
            BestScore = best.MeanScore,
            BestParameters = best.Parameters.ToDictionary(p => p.Key, p => ParameterSet.Format(p.Value), StringComparer.Ordinal),
            Trials = result.Trials.Count,
        };
    }

    private static async Task LogTrialsAsync(JobContext context, SearchResult result)
    {
        var points = new List<MetricPoint>();
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var table = new StringBuilder("candidate,rank,mean_score,std_score,mean_fit_seconds,parameters\n");
        var now = context.Time.GetUtcNow();
        foreach (var trial in result.Trials)
        {
            points.Add(new MetricPoint("trial_score", trial.MeanScore, trial.CandidateIndex, now));
            points.Add(new MetricPoint("trial_std", trial.StdScore, trial.CandidateIndex, now));
            parameters[$"trial.{trial.CandidateIndex}"] = trial.Parameters.ToString();
            table.Append(CultureInfo.InvariantCulture, $"{trial.CandidateIndex},{trial.Rank},{trial.MeanScore:R},{trial.StdScore:R},{trial.MeanFitSeconds:R},\"{trial.Parameters.ToString().Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n");
        }

        var best = result.Trials[result.BestIndex];
        points.Add(new MetricPoint($"best_{result.Metric}", best.MeanScore, 0, now));
        foreach (var (name, value) in best.Parameters)
        {
            parameters[$"best.{name}"] = ParameterSet.Format(value);
        }

        await context.Store.LogMetricsAsync(context.RunId, points, context.CancellationToken).ConfigureAwait(false);
        await context.Store.LogParametersAsync(context.RunId, parameters, context.CancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(table.ToString()), writable: false);
        await context.Store.LogArtifactAsync(context.RunId, "trials.csv", content, context.CancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What a <see cref="TuningJob"/> found.</summary>
public sealed record TuningResult : JobResult
{
    /// <summary>The metric optimised.</summary>
    public required string Metric { get; init; }

    /// <summary>The best candidate's mean score over the folds.</summary>
    public required double BestScore { get; init; }

    /// <summary>The best candidate's parameters, formatted.</summary>
    public required IReadOnlyDictionary<string, string> BestParameters { get; init; }

    /// <summary>How many candidates were scored.</summary>
    public required int Trials { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"best {Metric} {BestScore:G6} of {Trials} trials with {string.Join(", ", BestParameters.Select(p => $"{p.Key}={p.Value}"))}");
}
