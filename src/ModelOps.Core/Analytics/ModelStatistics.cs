using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;

namespace ModelOps.Core.Analytics;

/// <summary>The figures of one model version, over all its rows or over one time bucket.</summary>
internal static class ModelStatistics
{
    /// <summary>The metric charted per bucket for classification.</summary>
    public const string AccuracyMetric = "accuracy";

    /// <summary>The metric charted per bucket for regression.</summary>
    public const string RmseMetric = "rmse";

    /// <summary>Every figure of one model version; <paramref name="rows"/> are sorted by time.</summary>
    public static ModelVersionAnalytics Compute(string model, int version, bool isChampion, List<CleanRow> rows,
        ModelTask task, double confidence)
    {
        var classification = task == ModelTask.BinaryClassification;
        long errors = 0;
        var predictions = new List<double>(rows.Count);
        var probabilities = new List<double>();
        var latencies = new List<double>(rows.Count);
        foreach (var row in rows)
        {
            errors += row.Error ? 1 : 0;
            if (row.Latency is { } latency)
            {
                latencies.Add(latency);
            }

            if (row.Prediction is { } prediction)
            {
                predictions.Add(prediction);
                if (row.Probability is { } p)
                {
                    probabilities.Add(p);
                }
            }
        }

        var meanPrediction = classification
            ? Intervals.Wilson(Count(predictions, 1.0), predictions.Count, confidence, "the share predicted 1")
            : Intervals.Mean(predictions.ToArray(), confidence, "the mean prediction");
        var meanProbability = classification ? Intervals.Mean(probabilities.ToArray(), confidence, "the mean probability") : null;

        var labelled = rows.FindAll(static r => r.Label is not null);
        ClassificationQuality? classificationQuality = null;
        RegressionQuality? regressionQuality = null;
        if (classification)
        {
            classificationQuality = Classification(labelled, confidence);
        }
        else
        {
            regressionQuality = Regression(labelled, confidence);
        }

        return new ModelVersionAnalytics(
            model,
            version,
            rows.Count == 0 ? string.Empty : rows[^1].Role,
            isChampion,
            rows.Count,
            errors,
            Intervals.Wilson(errors, rows.Count, confidence, "the error rate"),
            meanPrediction,
            meanProbability,
            Latency(latencies),
            labelled.Count,
            classificationQuality,
            regressionQuality);
    }

    /// <summary>One model version's figures in one time bucket.</summary>
    public static BucketModelStats Bucket(string model, int version, List<CleanRow> rows, ModelTask task)
    {
        long errors = 0;
        var predictions = new List<double>(rows.Count);
        var latencies = new List<double>(rows.Count);
        var labelled = new List<CleanRow>();
        foreach (var row in rows)
        {
            errors += row.Error ? 1 : 0;
            if (row.Latency is { } latency)
            {
                latencies.Add(latency);
            }

            if (row.Prediction is { } prediction)
            {
                predictions.Add(prediction);
            }

            if (row.Label is not null)
            {
                labelled.Add(row);
            }
        }

        double? metric = null;
        if (labelled.Count > 0)
        {
            var sum = 0.0;
            foreach (var row in labelled)
            {
                var e = row.Label!.Value - row.Prediction!.Value;
                sum += task == ModelTask.BinaryClassification ? (e == 0.0 ? 1.0 : 0.0) : e * e;
            }

            metric = task == ModelTask.BinaryClassification ? sum / labelled.Count : Math.Sqrt(sum / labelled.Count);
        }

        latencies.Sort();
        return new BucketModelStats(
            model,
            version,
            rows.Count,
            errors,
            predictions.Count == 0 ? null : Intervals.MeanAndDeviation(predictions.ToArray()).Mean,
            latencies.Count == 0 ? null : Intervals.Percentile(latencies.ToArray(), 95.0),
            labelled.Count,
            task == ModelTask.BinaryClassification ? AccuracyMetric : RmseMetric,
            metric);
    }

    /// <summary>Every figure of one model version from its merged statistics (<see cref="Compute"/>'s figures, from sums and sketches).</summary>
    public static ModelVersionAnalytics FromStatistics(string model, int version, string role, bool isChampion, OutcomeStatistics s,
        ModelTask task, double confidence)
    {
        var classification = task == ModelTask.BinaryClassification;
        var meanPrediction = classification
            ? Intervals.Wilson(s.PredictedOnes, s.Prediction.N, confidence, "the share predicted 1")
            : Intervals.Mean(s.Prediction, confidence, "the mean prediction");
        var meanProbability = classification ? Intervals.Mean(s.Probability, confidence, "the mean probability") : null;
        var latencies = s.Latency.Count;
        var latency = latencies == 0
            ? new LatencySummary(0, null, null, null, null, null, LatencySketch.RelativeAccuracy)
            : new LatencySummary(
                latencies,
                s.Latency.Percentile(50.0, s.LatencyMax),
                s.Latency.Percentile(95.0, s.LatencyMax),
                s.Latency.Percentile(99.0, s.LatencyMax),
                s.LatencySum / latencies,
                s.LatencyMax,
                LatencySketch.RelativeAccuracy);
        return new ModelVersionAnalytics(
            model,
            version,
            role,
            isChampion,
            s.Requests,
            s.Errors,
            Intervals.Wilson(s.Errors, s.Requests, confidence, "the error rate"),
            meanPrediction,
            meanProbability,
            latency,
            s.Labelled,
            classification
                ? new ClassificationQuality(
                    Intervals.Wilson(s.Correct, s.Labelled, confidence, "accuracy"),
                    s.Scores.RocAuc(confidence),
                    Intervals.Mean(s.LogLoss, confidence, "the log loss"),
                    Intervals.Mean(s.Brier, confidence, "the Brier score"))
                : null,
            classification
                ? null
                : new RegressionQuality(
                    Intervals.Rmse(s.SquaredError, confidence),
                    Intervals.Mean(s.AbsoluteError, confidence, "the mean absolute error"),
                    Intervals.R2(s.SquaredError, s.Label, s.Powers, confidence)));
    }

    /// <summary>One model version's figures in one time bucket from its merged statistics.</summary>
    public static BucketModelStats BucketFromStatistics(string model, int version, OutcomeStatistics s, ModelTask task)
    {
        var classification = task == ModelTask.BinaryClassification;
        double? metric = s.Labelled == 0 ? null
            : classification ? (double)s.Correct / s.Labelled
            : Math.Sqrt(s.SquaredError.Mean);
        return new BucketModelStats(
            model,
            version,
            s.Requests,
            s.Errors,
            s.Prediction.N == 0 ? null : s.Prediction.Mean,
            s.Latency.Percentile(95.0, s.LatencyMax),
            s.Labelled,
            classification ? AccuracyMetric : RmseMetric,
            metric);
    }

    private static ClassificationQuality Classification(List<CleanRow> labelled, double confidence)
    {
        long correct = 0;
        var labels = new List<double>(labelled.Count);
        var scores = new List<double>(labelled.Count);
        var logLosses = new List<double>(labelled.Count);
        var brier = new List<double>(labelled.Count);
        foreach (var row in labelled)
        {
            var label = row.Label!.Value;
            correct += row.Prediction == label ? 1 : 0;
            if (row.Probability is { } p)
            {
                labels.Add(label);
                scores.Add(p);
                logLosses.Add(LogLossMetric.Loss(label, p));
                var d = label - p;
                brier.Add(d * d);
            }
        }

        return new ClassificationQuality(
            Intervals.Wilson(correct, labelled.Count, confidence, "accuracy"),
            Intervals.RocAuc(labels.ToArray(), scores.ToArray(), confidence),
            Intervals.Mean(logLosses.ToArray(), confidence, "the log loss"),
            Intervals.Mean(brier.ToArray(), confidence, "the Brier score"));
    }

    private static RegressionQuality Regression(List<CleanRow> labelled, double confidence)
    {
        var actual = new double[labelled.Count];
        var predicted = new double[labelled.Count];
        var absolute = new double[labelled.Count];
        for (var i = 0; i < labelled.Count; i++)
        {
            actual[i] = labelled[i].Label!.Value;
            predicted[i] = labelled[i].Prediction!.Value;
            absolute[i] = Math.Abs(predicted[i] - actual[i]);
        }

        return new RegressionQuality(
            Intervals.Rmse(actual, predicted, confidence),
            Intervals.Mean(absolute, confidence, "the mean absolute error"),
            Intervals.R2(actual, predicted, confidence));
    }

    private static LatencySummary Latency(List<double> latencies)
    {
        if (latencies.Count == 0)
        {
            return new LatencySummary(0, null, null, null, null, null);
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            Intervals.Percentile(sorted, 50.0),
            Intervals.Percentile(sorted, 95.0),
            Intervals.Percentile(sorted, 99.0),
            Intervals.MeanAndDeviation(sorted).Mean,
            sorted[^1]);
    }

    private static long Count(List<double> values, double value)
    {
        long count = 0;
        foreach (var v in values)
        {
            count += v == value ? 1 : 0;
        }

        return count;
    }
}
