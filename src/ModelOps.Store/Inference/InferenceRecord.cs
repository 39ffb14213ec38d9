using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using ModelOps.Store.Groups;

namespace ModelOps.Store.Inference;

/// <summary>One scored record of one model, as appended to a group's inference log.</summary>
/// <param name="Group">The group whose table receives the row.</param>
/// <param name="RequestId">The id of the request that carried the record.</param>
/// <param name="RecordIndex">The 0-based position of the record in its request.</param>
/// <param name="Timestamp">When it was scored (UTC).</param>
/// <param name="Model">The registered model name.</param>
/// <param name="Version">The version number.</param>
/// <param name="Role">The model's role in the group when it scored the record.</param>
/// <param name="RoutingKey">The request's routing key, or <see langword="null"/>.</param>
/// <param name="Inputs">The record's inputs as JSON.</param>
/// <param name="Prediction">The prediction (the class for a classifier), or <see langword="null"/> when scoring failed.</param>
/// <param name="Probability">The positive-class probability of a classifier, else <see langword="null"/>.</param>
/// <param name="Shap">The SHAP value per input column as JSON, or <see langword="null"/> when not computed.</param>
/// <param name="LatencyMs">How long scoring (and explaining) took, in milliseconds.</param>
/// <param name="Error">Why scoring failed, or <see langword="null"/>.</param>
public sealed record InferenceRecord(
    string Group,
    string RequestId,
    int RecordIndex,
    DateTimeOffset Timestamp,
    string Model,
    int Version,
    GroupRole Role,
    string? RoutingKey,
    string Inputs,
    double? Prediction,
    double? Probability,
    string? Shap,
    double LatencyMs,
    string? Error);

/// <summary>One row of a group's inference log, with its label once feedback arrived.</summary>
/// <param name="Id">The row's id: later rows have higher ids.</param>
/// <param name="Record">What was logged.</param>
/// <param name="Label">The actual value sent as feedback, or <see langword="null"/>.</param>
/// <param name="LabeledAt">When the label arrived (UTC), or <see langword="null"/>.</param>
public sealed record InferenceRow(long Id, InferenceRecord Record, double? Label, DateTimeOffset? LabeledAt);

/// <summary>The outcome columns of one row, for analytics (no inputs or SHAP).</summary>
/// <param name="Model">The registered model name.</param>
/// <param name="Version">The version number.</param>
/// <param name="Role">Its role when it scored.</param>
/// <param name="Timestamp">When it scored (UTC).</param>
/// <param name="Prediction">The prediction, or <see langword="null"/> when scoring failed.</param>
/// <param name="Probability">The positive-class probability of a classifier, else <see langword="null"/>.</param>
/// <param name="Label">The actual value, or <see langword="null"/>.</param>
/// <param name="LatencyMs">Scoring time in milliseconds.</param>
/// <param name="Failed">Whether scoring failed.</param>
public sealed record InferenceOutcome(string Model, int Version, GroupRole Role, DateTimeOffset Timestamp, double? Prediction, double? Probability, double? Label, double LatencyMs, bool Failed)
{
    /// <summary>
    /// What the models of the row's group predict, as the inference statistics read it from the row: a row with a
    /// probability is a classifier's; any other row is read as a regressor's (a failed row counts the same either way).
    /// </summary>
    public ModelTask Task => Probability is null ? ModelTask.Regression : ModelTask.BinaryClassification;

    /// <summary>The row as the analytics see it (a missing prediction is NaN: failed, or not a finite number when logged).</summary>
    public ScoredRow ToScoredRow() => new(Model, Version, Role.ToName(), Timestamp, Prediction ?? double.NaN, Probability, Label, LatencyMs, Failed);
}

/// <summary>Filters and page of <see cref="IInferenceLogStore.QueryInferencesAsync"/>; every filter is optional and they combine with AND.</summary>
public sealed record InferenceQuery
{
    /// <summary>Only rows of this model.</summary>
    public string? Model { get; init; }

    /// <summary>Only rows of this version.</summary>
    public int? Version { get; init; }

    /// <summary>Only rows of this role.</summary>
    public GroupRole? Role { get; init; }

    /// <summary>Only rows logged at or after this instant.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only rows logged before this instant.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only rows with a prediction at least this.</summary>
    public double? MinPrediction { get; init; }

    /// <summary>Only rows with a prediction at most this.</summary>
    public double? MaxPrediction { get; init; }

    /// <summary>Only rows whose inputs JSON contains this text (case-insensitive).</summary>
    public string? Text { get; init; }

    /// <summary>Only rows older than this row id: the <see cref="InferencePage.NextCursor"/> of the previous page.</summary>
    public long? Before { get; init; }

    /// <summary>Only rows of these roles (with <see cref="Role"/>, the rows of both filters).</summary>
    /// <value>Default <see langword="null"/>: any role.</value>
    public IReadOnlyCollection<GroupRole>? Roles { get; init; }

    /// <summary>Only rows whose label arrived (feedback) when <see langword="true"/>; only rows still without one when <see langword="false"/>.</summary>
    /// <value>Default <see langword="null"/>: labelled or not.</value>
    public bool? Labelled { get; init; }

    /// <summary>The most rows returned, newest first.</summary>
    /// <value>Default: 50; 1 to 1000.</value>
    public int Limit { get; init; } = 50;
}

/// <summary>A page of inference-log rows, newest first.</summary>
/// <param name="Rows">The rows.</param>
/// <param name="NextCursor">The <see cref="InferenceQuery.Before"/> of the next page, or <see langword="null"/> on the last page.</param>
public sealed record InferencePage(IReadOnlyList<InferenceRow> Rows, long? NextCursor);
