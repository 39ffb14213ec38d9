using System.Globalization;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Scoring;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Scores rows with a registered model: loads <c>name@alias</c>, <c>name/version</c> or <c>name</c>
/// (the latest), reads and checks the inputs against the reader's schema and the model's signature,
/// predicts and writes the outputs atomically: the kept input columns, <c>prediction</c> (the 0/1
/// label for classifiers, an integer column), for classifiers <c>probability</c> (of class 1), and with <see cref="Explain"/> one <c>shap_COLUMN</c>
/// per input column and <c>shap_base_value</c> (base + sum of the row's SHAP values = raw output).
/// </summary>
public sealed record InferenceJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "InferenceJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The model: <c>name@alias</c>, <c>name/version</c> or <c>name</c> for the latest version.</summary>
    [ModelReference]
    public required string Model { get; init; }

    /// <summary>The rows to score.</summary>
    public required DatasetReader Inputs { get; init; }

    /// <summary>Where the predictions go.</summary>
    public required DatasetWriter Outputs { get; init; }

    /// <summary>Input columns copied to the outputs before the predictions (an id, a timestamp).</summary>
    public IReadOnlyList<string> KeepColumns { get; init; } = [];

    /// <summary>Whether to write exact SHAP values beside the predictions.</summary>
    public bool Explain { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (version, model) = await context.LoadModelAsync(Model).ConfigureAwait(false);
        var inputs = await context.ReadAsync("inputs", Inputs).ConfigureAwait(false);
        var columns = new List<Column>();
        foreach (var name in KeepColumns)
        {
            columns.Add(inputs.TryGetColumn(name, out var column)
                ? column
                : throw new DatasetException($"inputs: keep_columns: column '{name}' not found{Core.Text.NameSuggestions.Hint(name, inputs.ColumnNames)}"));
        }

        ModelScores scores;
        using (var step = context.Progress.Start($"Scoring {inputs.RowCount:N0} rows with {version.Model} v{version.Version}{(Explain ? " + SHAP" : string.Empty)}", 1))
        {
            var options = new ScoringOptions { Explain = Explain ? ShapLevel.Input : null, CancellationToken = context.CancellationToken };
            scores = await Task.Run(() => ModelScoring.Score(model, inputs, options), context.CancellationToken).ConfigureAwait(false);
            step.Complete();
        }

        if (scores.Probabilities is { } probabilities)
        {
            columns.Add(new Int64Column("prediction", Array.ConvertAll(scores.Predictions, p => (long)p)));
            columns.Add(new Float64Column("probability", probabilities));
        }
        else
        {
            columns.Add(new Float64Column("prediction", scores.Predictions));
        }

        if (scores.Shap is { } shap)
        {
            columns.AddRange(ShapColumns.Of(shap, "shap_"));
        }

        var outputs = new Frame(columns);
        var target = await context.WriteAsync("outputs", Outputs, outputs).ConfigureAwait(false);
        return new InferenceResult { ModelName = version.Model, Version = version.Version, Rows = outputs.RowCount, Columns = outputs.ColumnCount, Output = target };
    }
}

/// <summary>What an <see cref="InferenceJob"/> wrote.</summary>
public sealed record InferenceResult : JobResult
{
    /// <summary>The model used.</summary>
    public required string ModelName { get; init; }

    /// <summary>Its version.</summary>
    public required int Version { get; init; }

    /// <summary>Rows written.</summary>
    public required int Rows { get; init; }

    /// <summary>Columns written.</summary>
    public required int Columns { get; init; }

    /// <summary>Where they went.</summary>
    public required string Output { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(CultureInfo.InvariantCulture, $"{Rows} rows x {Columns} columns from {ModelName} version {Version} to {Output}");
}

/// <summary>SHAP values as frame columns: one per explained name, then the base value.</summary>
internal static class ShapColumns
{
    public static List<Column> Of(ShapValues shap, string prefix)
    {
        var count = shap.Names.Count;
        var all = shap.Values;
        var columns = new List<Column>(count + 1);
        for (var j = 0; j < count; j++)
        {
            var values = new double[shap.Rows];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = all[(i * count) + j];
            }

            columns.Add(new Float64Column(prefix + shap.Names[j], values));
        }

        var baseValues = new double[shap.Rows];
        Array.Fill(baseValues, shap.BaseValue);
        columns.Add(new Float64Column(prefix + "base_value", baseValues));
        return columns;
    }
}
