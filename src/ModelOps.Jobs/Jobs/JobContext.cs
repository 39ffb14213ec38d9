using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Core.Data;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// What a running job gets: its started services, its open run, a progress sink and the cancellation
/// token; plus the steps every job shares — reading inputs with lineage, writing outputs, loading a
/// registered model — so each job does them the same way.
/// </summary>
public sealed class JobContext
{
    /// <summary>The job's logger.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>The tracking store and registry.</summary>
    public required IModelStore Store { get; init; }

    /// <summary>The job's notifications.</summary>
    public required IAlerts Alerts { get; init; }

    /// <summary>The experiment of the job's run.</summary>
    public required string Experiment { get; init; }

    /// <summary>The job's run in the tracking store.</summary>
    public required string RunId { get; init; }

    /// <summary>Where long steps report progress.</summary>
    public IJobProgress Progress { get; init; } = JobProgress.None;

    /// <summary>The clock: metric timestamps and anything else a job dates.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>; <see cref="JobRunner"/> passes the services' clock.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Stops the job.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Reads <paramref name="reader"/> (checked against its schema when it names one), logs the shape and
    /// records the dataset as lineage of the run under <paramref name="name"/>.
    /// </summary>
    /// <param name="name">The dataset's role in the job (<c>inputs</c>, <c>targets</c>).</param>
    /// <param name="reader">The config's reader.</param>
    /// <returns>The frame read.</returns>
    public async Task<Frame> ReadAsync(string name, DatasetReader reader) => (await ReadLoggedAsync(name, reader).ConfigureAwait(false)).Frame;

    /// <summary>Writes <paramref name="frame"/> atomically with <paramref name="writer"/>, logs its shape and tags the run with where it went.</summary>
    /// <param name="name">The output's role (<c>outputs</c>, <c>samples_explanations</c>).</param>
    /// <param name="writer">The config's writer.</param>
    /// <param name="frame">What to write.</param>
    /// <returns>The target's URI.</returns>
    public async Task<string> WriteAsync(string name, DatasetWriter writer, Frame frame)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(frame);
        var uri = await writer.WriteAsync(frame, CancellationToken).ConfigureAwait(false);
        Logger.LogInformation("{Name}: wrote {Rows} rows x {Columns} columns to {Target}", name, frame.RowCount, frame.ColumnCount, uri);
        await Store.SetRunTagsAsync(RunId, new Dictionary<string, string>(StringComparer.Ordinal) { [$"output.{name}"] = uri }, CancellationToken).ConfigureAwait(false);
        return uri;
    }

    /// <summary>
    /// Reads labelled data: the inputs and the target column, taken from <paramref name="targets"/> when
    /// given, else from the inputs (and dropped from them). The whole target column is checked for
    /// <paramref name="task"/> before anything is split or fitted, so that a bad value is named by its
    /// line in the file (<c>line 4 = NaN</c>), not by its place in a training part.
    /// </summary>
    /// <exception cref="DatasetException">The target column is missing, or inputs and targets differ in row count.</exception>
    /// <exception cref="TrainingDataException">The target has nulls, NaN or infinite values, or is not 0/1 of both classes for a classifier.</exception>
    public async Task<(Frame Inputs, Column Target)> ReadLabelledAsync(DatasetReader inputs, DatasetReader? targets, string target, ModelTask task)
    {
        var inputRead = await ReadLoggedAsync("inputs", inputs).ConfigureAwait(false);
        var inputFrame = inputRead.Frame;
        if (targets is null)
        {
            return (inputFrame.Drop(target), TargetColumn(inputRead, target, "inputs", task));
        }

        var targetRead = await ReadLoggedAsync("targets", targets).ConfigureAwait(false);
        if (targetRead.Frame.RowCount != inputFrame.RowCount)
        {
            throw new DatasetException(string.Create(
                CultureInfo.InvariantCulture,
                $"targets: {targetRead.Frame.RowCount} rows, but inputs have {inputFrame.RowCount}; they must be the same rows in the same order"));
        }

        return (inputFrame.Contains(target) ? inputFrame.Drop(target) : inputFrame, TargetColumn(targetRead, target, "targets", task));
    }

    /// <summary>
    /// Loads <paramref name="reference"/> (<c>name@alias</c>, <c>name/3</c>, <c>name/latest</c> or <c>name</c> for the latest)
    /// with <see cref="RegisteredModels.LoadAsync(IModelStore, string, CancellationToken)"/>, logs it and tags the run with it.
    /// </summary>
    /// <returns>The loaded version (deconstructs into the version and the model).</returns>
    public async Task<LoadedModel> LoadModelAsync(string reference)
    {
        var loaded = await Store.LoadAsync(reference, CancellationToken).ConfigureAwait(false);
        var (version, model) = loaded;
        Logger.LogInformation("loaded {Model} version {Version} ({Kind}, {Features} features)", version.Model, version.Version, model.Kind, model.FeatureNames.Count);
        await Store.SetRunTagsAsync(RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = version.Model,
            ["model_version"] = version.Version.ToString(CultureInfo.InvariantCulture),
        }, CancellationToken).ConfigureAwait(false);
        return loaded;
    }

    private async Task<DatasetRead> ReadLoggedAsync(string name, DatasetReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var read = await reader.ReadAsync(Store, CancellationToken).ConfigureAwait(false);
        Logger.LogInformation("{Name}: read {Rows} rows x {Columns} columns from {Source}", name, read.Frame.RowCount, read.Frame.ColumnCount, read.SourceUri);
        await Store.LogDatasetAsync(RunId, read.ToLineage(name, "input"), CancellationToken).ConfigureAwait(false);
        return read;
    }

    private static Column TargetColumn(DatasetRead read, string target, string source, ModelTask task)
    {
        if (!read.Frame.TryGetColumn(target, out var column))
        {
            throw new DatasetException($"{source}: target column '{target}' not found{Core.Text.NameSuggestions.Hint(target, read.Frame.ColumnNames)}");
        }

        try
        {
            TargetValues.Read(column, column.Length, task, read.PlaceOf);
        }
        catch (TrainingDataException error)
        {
            throw new TrainingDataException($"{source} ({read.SourceUri}): {error.Message}");
        }

        return column;
    }
}
