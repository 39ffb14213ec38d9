using System.Text.Json.Nodes;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// The charts a model's metadata can hold, one of each kind: a ROC curve, a precision-recall curve, feature
/// importances and a confusion matrix. JSON: <c>{"roc": [{"fpr", "tpr", "threshold"?}], "precision_recall":
/// [{"recall", "precision", "threshold"?}], "feature_importance": [{"feature", "importance"}], "confusion_matrix":
/// {"labels": [...], "matrix": [[...]]}}</c>, each kind left out when the source has none.
/// </summary>
public sealed record MetadataCharts
{
    /// <summary>The ROC curve's points, in the source's order.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<RocPoint> Roc { get; init; } = [];

    /// <summary>The precision-recall curve's points, in the source's order.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<PrecisionRecallPoint> PrecisionRecall { get; init; } = [];

    /// <summary>Feature importances as the source gives them (its kind of importance, its scale), in the source's order.</summary>
    /// <value>Default empty.</value>
    public IReadOnlyList<FeatureImportance> FeatureImportance { get; init; } = [];

    /// <summary>The confusion matrix.</summary>
    /// <value>Default <see langword="null"/>: none.</value>
    public ConfusionMatrix? ConfusionMatrix { get; init; }

    internal static MetadataCharts FromJson(JsonObject? charts)
    {
        if (charts is null)
        {
            return new MetadataCharts();
        }

        var roc = new List<RocPoint>();
        foreach (var point in charts[MetadataNames.Roc]?.AsArray() ?? [])
        {
            roc.Add(new RocPoint((double)point!["fpr"]!, (double)point["tpr"]!, (double?)point["threshold"]));
        }

        var precisionRecall = new List<PrecisionRecallPoint>();
        foreach (var point in charts[MetadataNames.PrecisionRecall]?.AsArray() ?? [])
        {
            precisionRecall.Add(new PrecisionRecallPoint((double)point!["recall"]!, (double)point["precision"]!, (double?)point["threshold"]));
        }

        var importances = new List<FeatureImportance>();
        foreach (var item in charts[MetadataNames.FeatureImportance]?.AsArray() ?? [])
        {
            importances.Add(new FeatureImportance((string)item!["feature"]!, (double)item["importance"]!));
        }

        ConfusionMatrix? confusion = null;
        if (charts[MetadataNames.ConfusionMatrix] is JsonObject matrix)
        {
            var labels = new List<string>();
            foreach (var label in matrix["labels"]!.AsArray())
            {
                labels.Add((string)label!);
            }

            var rows = new List<IReadOnlyList<double>>();
            foreach (var row in matrix["matrix"]!.AsArray())
            {
                var counts = new List<double>();
                foreach (var count in row!.AsArray())
                {
                    counts.Add((double)count!);
                }

                rows.Add(counts);
            }

            confusion = new ConfusionMatrix(labels, rows);
        }

        return new MetadataCharts { Roc = roc, PrecisionRecall = precisionRecall, FeatureImportance = importances, ConfusionMatrix = confusion };
    }

    internal JsonObject ToJson()
    {
        var charts = new JsonObject();
        if (Roc.Count > 0)
        {
            var points = new JsonArray();
            foreach (var point in Roc)
            {
                var item = new JsonObject { ["fpr"] = point.FalsePositiveRate, ["tpr"] = point.TruePositiveRate };
                if (point.Threshold is { } threshold)
                {
                    item["threshold"] = threshold;
                }

                points.Add(item);
            }

            charts[MetadataNames.Roc] = points;
        }

        if (PrecisionRecall.Count > 0)
        {
            var points = new JsonArray();
            foreach (var point in PrecisionRecall)
            {
                var item = new JsonObject { ["recall"] = point.Recall, ["precision"] = point.Precision };
                if (point.Threshold is { } threshold)
                {
                    item["threshold"] = threshold;
                }

                points.Add(item);
            }

            charts[MetadataNames.PrecisionRecall] = points;
        }

        if (FeatureImportance.Count > 0)
        {
            var items = new JsonArray();
            foreach (var item in FeatureImportance)
            {
                items.Add(new JsonObject { ["feature"] = item.Feature, ["importance"] = item.Importance });
            }

            charts[MetadataNames.FeatureImportance] = items;
        }

        if (ConfusionMatrix is { } confusion)
        {
            var labels = new JsonArray();
            foreach (var label in confusion.Labels)
            {
                labels.Add(label);
            }

            var rows = new JsonArray();
            foreach (var row in confusion.Matrix)
            {
                var counts = new JsonArray();
                foreach (var count in row)
                {
                    counts.Add(count);
                }

                rows.Add(counts);
            }

            charts[MetadataNames.ConfusionMatrix] = new JsonObject { ["labels"] = labels, ["matrix"] = rows };
        }

        return charts;
    }
}

/// <summary>A point of a ROC curve.</summary>
/// <param name="FalsePositiveRate">The false positive rate (JSON <c>fpr</c>), in [0, 1].</param>
/// <param name="TruePositiveRate">The true positive rate, or recall (JSON <c>tpr</c>), in [0, 1].</param>
/// <param name="Threshold">The score threshold of the point, when the source gives it.</param>
public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate, double? Threshold = null);

/// <summary>A point of a precision-recall curve.</summary>
/// <param name="Recall">The recall, in [0, 1].</param>
/// <param name="Precision">The precision, in [0, 1].</param>
/// <param name="Threshold">The score threshold of the point, when the source gives it.</param>
public sealed record PrecisionRecallPoint(double Recall, double Precision, double? Threshold = null);

/// <summary>The importance of one feature.</summary>
/// <param name="Feature">The feature's name.</param>
/// <param name="Importance">Its importance, on the source's scale.</param>
public sealed record FeatureImportance(string Feature, double Importance);

/// <summary>A confusion matrix: <c>Matrix[i][j]</c> counts the examples of actual class <c>Labels[i]</c> predicted as <c>Labels[j]</c> (scikit-learn's orientation).</summary>
/// <param name="Labels">The class labels, as text.</param>
/// <param name="Matrix">One row per actual class, one count per predicted class.</param>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<double>> Matrix);
