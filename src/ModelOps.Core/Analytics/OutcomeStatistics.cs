using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;

namespace ModelOps.Core.Analytics;

/// <summary>
/// The sufficient statistics of every figure of the analytics report over some rows of one model version: counts,
/// <see cref="Moments"/> (count, mean, M2: exact up to floating-point rounding), a few power sums, a <see cref="LatencySketch"/> and a
/// <see cref="ScoreHistogram"/>. Statistics of disjoint rows merge into the statistics of their union, and a row's
/// contribution can be taken away again (a label that changes), so the store keeps one per group, model version, role
/// and time cell, updated in the transaction that writes the rows, and a report of any window sums the cells it covers
/// (<see cref="GroupAnalytics.FromStatistics"/>).
/// </summary>
public sealed class OutcomeStatistics
{
    // The layout of ToBytes: bump it when fields change (a reader refuses other versions).
    private const byte Layout = 1;

    private readonly Dictionary<(string Field, string Problem), long> _issues = [];
    private Moments _prediction;
    private Moments _probability;
    private Moments _logLoss;
    private Moments _brier;
    private Moments _absoluteError;
    private Moments _squaredError;
    private Moments _label;

    /// <summary>Rows, failed ones included.</summary>
    public long Requests { get; private set; }

    /// <summary>Rows whose scoring failed.</summary>
    public long Errors { get; private set; }

    /// <summary>The usable predictions (their count is the rows with one).</summary>
    public Moments Prediction => _prediction;

    /// <summary>Classification: rows predicted 1.</summary>
    public long PredictedOnes { get; private set; }

    /// <summary>Classification: the usable probabilities.</summary>
    public Moments Probability => _probability;

    /// <summary>The latencies (rows with a valid latency, failed ones included).</summary>
    public LatencySketch Latency { get; private set; } = new();

    /// <summary>Σ latency.</summary>
    public double LatencySum { get; private set; }

    /// <summary>The largest latency, or 0 without any.</summary>
    public double LatencyMax { get; private set; }

    /// <summary>Rows with a usable prediction and a valid label.</summary>
    public long Labelled { get; private set; }

    /// <summary>Classification: labelled rows predicted right.</summary>
    public long Correct { get; private set; }

    /// <summary>Classification: the log losses of the labelled rows with a probability (those of the ROC AUC, log loss and Brier score).</summary>
    public Moments LogLoss => _logLoss;

    /// <summary>Classification: their (label - probability)².</summary>
    public Moments Brier => _brier;

    /// <summary>Classification: the probabilities of those rows by label.</summary>
    public ScoreHistogram Scores { get; private set; } = new();

    /// <summary>Regression: |e|, e = label - prediction, of the labelled rows.</summary>
    public Moments AbsoluteError => _absoluteError;

    /// <summary>Regression: e².</summary>
    public Moments SquaredError => _squaredError;

    /// <summary>Regression: the labels y.</summary>
    public Moments Label => _label;

    /// <summary>Regression: Σ y³, Σ y⁴, Σ e² y and Σ e² y², the raw power sums R²'s interval needs beyond the moments.</summary>
    public (double Y3, double Y4, double E2Y, double E2Y2) Powers { get; private set; }

    /// <summary>The earliest row's time, or <see langword="null"/> without rows.</summary>
    public DateTimeOffset? First { get; private set; }

    /// <summary>The latest row's time, or <see langword="null"/> without rows.</summary>
    public DateTimeOffset? Last { get; private set; }

    /// <summary>The values left out, by field and problem (the messages of the exact report).</summary>
    public IReadOnlyDictionary<(string Field, string Problem), long> Issues => _issues;

    /// <summary>
    /// Adds <paramref name="row"/> (<paramref name="sign"/> 1) or takes it away (-1, to replace it by the same row with
    /// another label: the latency's maximum and the time range are kept, as the row comes back at once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sign"/> is not 1 or -1.</exception>
    public void Apply(ScoredRow row, ModelTask task, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (sign is not (1 or -1))
        {
            throw new ArgumentOutOfRangeException(nameof(sign), sign, "sign must be 1 or -1");
        }

        var clean = CleanRow.Of(row, 0, task, new Sink(this, sign));
        Requests += sign;
        if (sign > 0)
        {
            First = First is { } first && first <= row.Timestamp ? first : row.Timestamp;
            Last = Last is { } last && last >= row.Timestamp ? last : row.Timestamp;
        }

        Errors += clean.Error ? sign : 0;
        if (clean.Latency is { } latency)
        {
            Latency.Add(latency, sign);
            LatencySum += sign * latency;
            LatencyMax = Math.Max(LatencyMax, latency);
        }

        if (clean.Prediction is not { } prediction)
        {
            return;
        }

        _prediction.Add(prediction, sign);
        var classification = task == ModelTask.BinaryClassification;
        if (classification)
        {
            PredictedOnes += prediction == 1.0 ? sign : 0;
            if (clean.Probability is { } p)
            {
                _probability.Add(p, sign);
            }
        }

        if (clean.Label is not { } label)
        {
            return;
        }

        Labelled += sign;
        if (classification)
        {
            Correct += prediction == label ? sign : 0;
            if (clean.Probability is { } p)
            {
                _logLoss.Add(LogLossMetric.Loss(label, p), sign);
                _brier.Add((label - p) * (label - p), sign);
                Scores.Add(p, label, sign);
            }

            return;
        }

        var e = label - prediction;
        var e2 = e * e;
        _absoluteError.Add(Math.Abs(e), sign);
        _squaredError.Add(e2, sign);
        _label.Add(label, sign);
        var y2 = label * label;
        var (y3, y4, e2y, e2y2) = Powers;
        Powers = (y3 + (sign * y2 * label), y4 + (sign * y2 * y2), e2y + (sign * e2 * label), e2y2 + (sign * e2 * y2));
    }

    /// <summary>Adds the statistics of <paramref name="other"/> (of other rows) to these.</summary>
    public void Merge(OutcomeStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Requests += other.Requests;
        Errors += other.Errors;
        _prediction.Merge(other._prediction);
        PredictedOnes += other.PredictedOnes;
        _probability.Merge(other._probability);
        Latency.Merge(other.Latency);
        LatencySum += other.LatencySum;
        LatencyMax = Math.Max(LatencyMax, other.LatencyMax);
        Labelled += other.Labelled;
        Correct += other.Correct;
        _logLoss.Merge(other._logLoss);
        _brier.Merge(other._brier);
        Scores.Merge(other.Scores);
        _absoluteError.Merge(other._absoluteError);
        _squaredError.Merge(other._squaredError);
        _label.Merge(other._label);
        Powers = (Powers.Y3 + other.Powers.Y3, Powers.Y4 + other.Powers.Y4, Powers.E2Y + other.Powers.E2Y, Powers.E2Y2 + other.Powers.E2Y2);
        First = other.First is { } f && (First is null || f < First) ? f : First;
        Last = other.Last is { } l && (Last is null || l > Last) ? l : Last;
        foreach (var (key, count) in other._issues)
        {
            AddIssue(key, count);
        }
    }

    /// <summary>The statistics as bytes (little-endian, a layout number first), as the store keeps them.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Layout);
            foreach (var count in (long[])[Requests, Errors, PredictedOnes, Labelled, Correct])
            {
                w.Write(count);
            }

            foreach (var moments in (Moments[])[_prediction, _probability, _logLoss, _brier, _absoluteError, _squaredError, _label])
            {
                moments.Write(w);
            }

            foreach (var sum in (double[])[LatencySum, LatencyMax, Powers.Y3, Powers.Y4, Powers.E2Y, Powers.E2Y2])
            {
                w.Write(sum);
            }

            w.Write(First?.UtcTicks ?? long.MinValue);
            w.Write(Last?.UtcTicks ?? long.MinValue);
            Latency.Write(w);
            Scores.Write(w);
            w.Write(_issues.Count);
            foreach (var ((field, problem), count) in _issues)
            {
                w.Write(field);
                w.Write(problem);
                w.Write(count);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads statistics <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="FormatException">The bytes are not statistics of this layout.</exception>
    public static OutcomeStatistics FromBytes(ReadOnlySpan<byte> bytes)
    {
        var statistics = new OutcomeStatistics();
        statistics.Merge(bytes);
        return statistics;
    }

    /// <summary>
    /// Adds the statistics <see cref="ToBytes"/> wrote (of other rows) to these, read straight from the bytes: what
    /// <c>Merge(FromBytes(bytes))</c> gives, without an object per cell. A failed read leaves these statistics unusable.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not statistics of this layout.</exception>
    public void Merge(ReadOnlySpan<byte> bytes) => Merge(bytes, scores: true);

    /// <summary>The row count and time range of stored statistics, read from the start of their bytes.</summary>
    /// <exception cref="FormatException">The bytes are not statistics of this layout.</exception>
    public static (long Requests, DateTimeOffset? First, DateTimeOffset? Last) Summary(ReadOnlySpan<byte> bytes)
    {
        var r = new StatisticsReader(bytes);
        ReadLayout(ref r);
        var requests = r.ReadInt64();
        r.Skip(SkippedBeforeTimes);
        return (requests, Time(r.ReadInt64()), Time(r.ReadInt64()));
    }

    /// <summary>
    /// <see cref="Merge(ReadOnlySpan{byte})"/>; without <paramref name="scores"/> the score histogram is read past, not
    /// added (a time bucket's figures do not use it, and a dense histogram per bucket would cost the most memory).
    /// </summary>
    internal void Merge(ReadOnlySpan<byte> bytes, bool scores)
    {
        var r = new StatisticsReader(bytes);
        ReadLayout(ref r);
        Requests += r.ReadInt64();
        Errors += r.ReadInt64();
        PredictedOnes += r.ReadInt64();
        Labelled += r.ReadInt64();
        Correct += r.ReadInt64();
        _prediction.Merge(Moments.Read(ref r));
        _probability.Merge(Moments.Read(ref r));
        _logLoss.Merge(Moments.Read(ref r));
        _brier.Merge(Moments.Read(ref r));
        _absoluteError.Merge(Moments.Read(ref r));
        _squaredError.Merge(Moments.Read(ref r));
        _label.Merge(Moments.Read(ref r));
        LatencySum += r.ReadDouble();
        LatencyMax = Math.Max(LatencyMax, r.ReadDouble());
        Powers = (Powers.Y3 + r.ReadDouble(), Powers.Y4 + r.ReadDouble(), Powers.E2Y + r.ReadDouble(), Powers.E2Y2 + r.ReadDouble());
        var (first, last) = (Time(r.ReadInt64()), Time(r.ReadInt64()));
        First = first is { } f && (First is null || f < First) ? f : First;
        Last = last is { } l && (Last is null || l > Last) ? l : Last;
        Latency.Merge(ref r);
        if (scores)
        {
            Scores.Merge(ref r);
        }
        else
        {
            ScoreHistogram.Skip(ref r);
        }

        var issues = r.ReadInt32();
        for (var i = 0; i < issues; i++)
        {
            AddIssue((r.ReadString(), r.ReadString()), r.ReadInt64());
        }

        if (r.Remaining != 0)
        {
            throw new FormatException($"{r.Remaining} bytes after the statistics");
        }
    }

    /// <summary>The per-row loss the verdict compares: squared error (regression) or log loss (classification), as count, mean and variance.</summary>
    internal LossSummary Loss(ModelTask task) => LossSummary.Of(task == ModelTask.BinaryClassification ? _logLoss : _squaredError);

    // The bytes between Requests and First: four counts, seven moments, six sums.
    private const int SkippedBeforeTimes = (4 * 8) + (7 * 24) + (6 * 8);

    private static void ReadLayout(ref StatisticsReader r)
    {
        var layout = r.ReadByte();
        if (layout != Layout)
        {
            throw new FormatException($"statistics of layout {layout}; this version reads layout {Layout}");
        }
    }

    private static DateTimeOffset? Time(long ticks) => ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    private void AddIssue((string Field, string Problem) key, long count)
    {
        var sum = _issues.GetValueOrDefault(key) + count;
        if (sum == 0)
        {
            _issues.Remove(key);
        }
        else
        {
            _issues[key] = sum;
        }
    }

    private sealed class Sink(OutcomeStatistics statistics, int sign) : IIssueSink
    {
        public void Add(ScoredRow row, int index, string field, string problem) => statistics.AddIssue((field, problem), sign);
    }
}

/// <summary>The per-row losses of one model version as the verdict uses them: count, mean and sample variance.</summary>
/// <param name="N">Labelled rows with a loss.</param>
/// <param name="Mean">Their mean loss (0 without rows).</param>
/// <param name="Variance">Their sample variance (n - 1; 0 below two rows).</param>
internal readonly record struct LossSummary(long N, double Mean, double Variance)
{
    /// <summary>From the losses (two passes).</summary>
    public static LossSummary Of(List<double> losses)
    {
        if (losses.Count == 0)
        {
            return default;
        }

        var (mean, deviation) = Intervals.MeanAndDeviation(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(losses));
        return new LossSummary(losses.Count, mean, deviation * deviation);
    }

    /// <summary>From the moments of the losses.</summary>
    public static LossSummary Of(Moments losses) => losses.N == 0 ? default : new LossSummary(losses.N, losses.Mean, losses.Deviation * losses.Deviation);
}

/// <summary>The statistics of one model version's rows of one role in one time cell, as the store keeps them.</summary>
/// <param name="Model">The model name.</param>
/// <param name="Version">The model version.</param>
/// <param name="Role">The role its rows were logged with.</param>
/// <param name="Start">The cell's start: rows logged in [start, start + its width).</param>
/// <param name="Statistics">The statistics of those rows as stored (<see cref="OutcomeStatistics.ToBytes"/>): a report merges them without an object per cell.</param>
public sealed record StatisticsCell(string Model, int Version, string Role, DateTimeOffset Start, ReadOnlyMemory<byte> Statistics);
