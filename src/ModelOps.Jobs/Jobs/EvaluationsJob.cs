using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Data;
using ModelOps.Core.Learning;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Metrics;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Scores a registered model on labelled data and checks each metric's threshold. Every value is
/// logged in the run (and written with <see cref="Outputs"/> when set); when any metric misses its
/// threshold the job fails with <see cref="EvaluationFailedException"/>, naming each miss.
/// </summary>
public sealed record EvaluationsJob : LabelledJob
{
    /// <summary>The kind name.</summary>
    public const string KindName = "EvaluationsJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The model: <c>name@alias</c>, <c>name/version</c> or <c>name</c> for the latest version.</summary>
    [ModelReference]
    public required string Model { get; init; }

    /// <summary>The metrics, each with an optional threshold.</summary>
    public required IReadOnlyList<JobMetric> Metrics { get; init; }

    /// <summary>Where the table (metric, value, threshold, passed) goes; nowhere when not set.</summary>
    public DatasetWriter? Outputs { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (version, model) = await context.LoadModelAsync(Model).ConfigureAwait(false);
        var task = model.Task;
        var mismatched = Metrics
            .Select((m, i) => (Metric: m, Index: i))
            .Where(m => m.Metric.Metric.Task != task)
            .Select(m => new ConfigProblem("config", 0, $"job.metrics[{m.Index}]", $"{m.Metric.Name} is a {m.Metric.Metric.Task.Noun()} metric, but {version.Model} version {version.Version} ({model.Kind}) does {task.Noun()}"))
            .ToList();
        if (mismatched.Count > 0)
        {
            throw new ConfigException(mismatched);
        }

        var (inputs, target) = await context.ReadLabelledAsync(Inputs, Targets, Target, model.Task).ConfigureAwait(false);
        IReadOnlyDictionary<string, double> scores;
        using (var step = context.Progress.Start($"Evaluating {version.Model} v{version.Version} on {inputs.RowCount:N0} rows", 1))
        {
            scores = await Task.Run(() => Scores.Compute(model, Metrics, inputs, target, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
            step.Complete();
        }

        var outcomes = Metrics.Select(m => new MetricOutcome(m.Name, scores[m.Name], m.Threshold, m.Bound, m.Passes(scores[m.Name]))).ToList();
        var now = context.Time.GetUtcNow();
        await context.Store.LogMetricsAsync(context.RunId, [.. outcomes.Select(o => new MetricPoint(o.Metric, o.Value, 0, now))], context.CancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            context.Logger.LogInformation("{Metric} = {Value} {Bound} {Verdict}", outcome.Metric, outcome.Value, outcome.Bound, outcome.Threshold is null ? string.Empty : outcome.Passed ? "passed" : "FAILED");
        }

        if (Outputs is { } writer)
        {
            await context.WriteAsync("evaluations", writer, Table(outcomes)).ConfigureAwait(false);
        }

        var result = new EvaluationsResult { ModelName = version.Model, Version = version.Version, Rows = inputs.RowCount, Outcomes = outcomes };
        return result.Failed.Count > 0 ? throw new EvaluationFailedException(result) : result;
    }

    private static Frame Table(IReadOnlyList<MetricOutcome> outcomes) => new(
        new StringColumn("metric", [.. outcomes.Select(o => o.Metric)]),
        new Float64Column("value", [.. outcomes.Select(o => o.Value)]),
        new Float64Column("threshold", [.. outcomes.Select(o => o.Threshold)]),
        new BoolColumn("passed", [.. outcomes.Select(o => o.Passed)]));
}

/// <summary>One metric of an evaluation.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Threshold">The bound, when the config gave one.</param>
/// <param name="Bound">The bound as text (<c>&gt;= 0.8</c>); empty without one.</param>
/// <param name="Passed">Whether the value meets the bound (true without one).</param>
public sealed record MetricOutcome(string Metric, double Value, double? Threshold, string Bound, bool Passed);

/// <summary>What an <see cref="EvaluationsJob"/> measured.</summary>
public sealed record EvaluationsResult : JobResult
{
    /// <summary>The model evaluated.</summary>
    public required string ModelName { get; init; }

    /// <summary>Its version.</summary>
    public required int Version { get; init; }

    /// <summary>Rows scored.</summary>
    public required int Rows { get; init; }

    /// <summary>Each metric's value and verdict, in config order.</summary>
    public required IReadOnlyList<MetricOutcome> Outcomes { get; init; }

    /// <summary>The metrics that missed their threshold.</summary>
    public IReadOnlyList<MetricOutcome> Failed => [.. Outcomes.Where(o => !o.Passed)];

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"{ModelName} version {Version} on {Rows} rows: {string.Join(", ", Outcomes.Select(o => $"{o.Metric} {o.Value:G6}{(o.Threshold is null ? string.Empty : $" ({o.Bound}: {(o.Passed ? "passed" : "FAILED")})")}"))}");
}

/// <summary>An evaluation whose metrics missed their thresholds; the message names each miss.</summary>
public sealed class EvaluationFailedException : Exception
{
    /// <summary>Creates the failure of <paramref name="result"/>.</summary>
    /// <param name="result">The evaluation, with at least one failed metric.</param>
    public EvaluationFailedException(EvaluationsResult result)
        : base(Describe(result))
    {
        Result = result;
    }

    /// <summary>The whole evaluation.</summary>
    public EvaluationsResult Result { get; }

    private static string Describe(EvaluationsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"evaluation of {result.ModelName} version {result.Version} failed: {string.Join("; ", result.Failed.Select(o => $"{o.Metric} = {o.Value:G6}, must be {o.Bound}"))}");
    }
}
