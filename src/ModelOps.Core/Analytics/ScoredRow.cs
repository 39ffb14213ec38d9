namespace ModelOps.Core.Analytics;

/// <summary>
/// One logged inference row as analytics sees it. <paramref name="Prediction"/>: the regression value, or for
/// classification the predicted label (0/1); <paramref name="Probability"/>: P(class 1) for classifiers;
/// <paramref name="Label"/>: the actual value from feedback, <see langword="null"/> when not yet known.
/// </summary>
/// <param name="Model">The registered model's name.</param>
/// <param name="Version">The registered model's version.</param>
/// <param name="Role">The role the version had when it answered: champion, challenger or shadow.</param>
/// <param name="Timestamp">When the request was scored.</param>
/// <param name="Prediction">The regression value, or the predicted label 0 or 1.</param>
/// <param name="Probability">P(class 1) for classifiers; <see langword="null"/> for regression or when not logged.</param>
/// <param name="Label">The actual value from feedback; <see langword="null"/> until it arrives.</param>
/// <param name="LatencyMs">The time the model took, in milliseconds.</param>
/// <param name="Error">Whether scoring failed (the prediction is then not used).</param>
public sealed record ScoredRow(string Model, int Version, string Role, DateTimeOffset Timestamp, double Prediction,
    double? Probability, double? Label, double LatencyMs, bool Error);
