using ModelOps.Core.Learning;

namespace ModelOps.Core.Analytics;

/// <summary>
/// A row with its unusable values dropped: <see cref="Prediction"/> is null for a failed row or one whose prediction
/// is invalid, <see cref="Label"/> null unless the row is usable and labelled, and so on.
/// </summary>
internal readonly record struct CleanRow(int Index, DateTimeOffset Timestamp, string Role, bool Error, double? Prediction,
    double? Probability, double? Label, double? Latency)
{
    /// <summary>Checks every value of <paramref name="row"/>, logging each problem in <paramref name="issues"/>.</summary>
    public static CleanRow Of(ScoredRow row, int index, ModelTask task, IIssueSink issues)
    {
        var classification = task == ModelTask.BinaryClassification;
        double? latency = row.LatencyMs;
        if (!double.IsFinite(row.LatencyMs) || row.LatencyMs < 0.0)
        {
            issues.Add(row, index, "latencyMs", "not a finite non-negative number: left out of the latency percentiles");
            latency = null;
        }

        var role = row.Role ?? string.Empty;
        if (row.Error)
        {
            return new CleanRow(index, row.Timestamp, role, true, null, null, null, latency);
        }

        if (!double.IsFinite(row.Prediction))
        {
            issues.Add(row, index, "prediction", "not a finite number: the row is left out of the prediction and quality statistics");
            return new CleanRow(index, row.Timestamp, role, false, null, null, null, latency);
        }

        if (classification && row.Prediction is not (0.0 or 1.0))
        {
            issues.Add(row, index, "prediction", "not a label 0 or 1: the row is left out of the prediction and quality statistics");
            return new CleanRow(index, row.Timestamp, role, false, null, null, null, latency);
        }

        double? probability = null;
        if (classification)
        {
            if (row.Probability is not { } p)
            {
                issues.Add(row, index, "probability", "missing: the row is left out of the mean probability, ROC AUC, log loss and Brier score");
            }
            else if (!(p >= 0.0 && p <= 1.0))
            {
                issues.Add(row, index, "probability", "not a probability in [0, 1]: the row is left out of the mean probability, ROC AUC, log loss and Brier score");
            }
            else
            {
                probability = p;
            }
        }

        double? label = null;
        if (row.Label is { } y)
        {
            if (!double.IsFinite(y))
            {
                issues.Add(row, index, "label", "not a finite number: the row counts as unlabelled");
            }
            else if (classification && y is not (0.0 or 1.0))
            {
                issues.Add(row, index, "label", "not a label 0 or 1: the row counts as unlabelled");
            }
            else
            {
                label = y;
            }
        }

        return new CleanRow(index, row.Timestamp, role, false, row.Prediction, probability, label, latency);
    }
}

/// <summary>Where <see cref="CleanRow.Of"/> reports a problem with a value.</summary>
internal interface IIssueSink
{
    /// <summary>Counts one problem of row <paramref name="index"/>.</summary>
    void Add(ScoredRow row, int index, string field, string problem);
}

/// <summary>The problems found in rows, counted per model version, field and problem, in order of first appearance.</summary>
internal sealed class IssueLog : IIssueSink
{
    private readonly Dictionary<(string Model, int Version, string Field, string Problem), (long Count, int FirstRow)> _counts = [];
    private readonly List<(string Model, int Version, string Field, string Problem)> _order = [];

    /// <summary>Counts one problem of row <paramref name="index"/>.</summary>
    public void Add(ScoredRow row, int index, string field, string problem)
    {
        var key = (row.Model, row.Version, field, problem);
        if (_counts.TryGetValue(key, out var seen))
        {
            _counts[key] = (seen.Count + 1, seen.FirstRow);
        }
        else
        {
            _counts.Add(key, (1, index));
            _order.Add(key);
        }
    }

    /// <summary>The issues, ordered by the first row that has each.</summary>
    public List<RowIssue> ToList() => _order.ConvertAll(key =>
    {
        var (count, first) = _counts[key];
        return new RowIssue(key.Model, key.Version, key.Field, key.Problem, count, first);
    });
}
