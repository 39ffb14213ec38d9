namespace ModelOps.Core.Analytics;

/// <summary>
/// The probabilities of labelled rows counted per class in narrow bins of their logit (width <see cref="BinWidth"/>,
/// logits beyond ±<see cref="LogitLimit"/> in the end bins): enough for the ROC AUC with DeLong's interval, where rows
/// of the two classes in one bin count as ties. The AUC differs from the exact one by at most
/// ½ Σ_b n₁(b) n₀(b) / (n₁ n₀), which <see cref="RocAuc"/> states as the estimate's error bound. Mergeable and
/// subtractable like <see cref="LatencySketch"/>.
/// </summary>
public sealed class ScoreHistogram
{
    /// <summary>The width of a bin on the logit scale ln(p / (1 - p)).</summary>
    public const double BinWidth = 0.01;

    /// <summary>Logits beyond ± this fall in the end bins (p below about 2·10⁻⁹ or above 1 - 2·10⁻⁹).</summary>
    public const double LogitLimit = 20.0;

    private const int Half = (int)(LogitLimit / BinWidth);

    private DenseCounts _negatives;
    private DenseCounts _positives;

    /// <summary>Counts <paramref name="times"/> rows of probability <paramref name="probability"/> (in [0, 1]) and label 0 or 1; a negative number takes them away.</summary>
    public void Add(double probability, double label, long times = 1)
    {
        if (label == 1.0)
        {
            _positives.Add(Bin(probability), times);
        }
        else
        {
            _negatives.Add(Bin(probability), times);
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Merge(ScoreHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _negatives.Merge(other._negatives);
        _positives.Merge(other._positives);
    }

    /// <summary>The bins in logit order with their counts, empty ones left out.</summary>
    private IEnumerable<(int Bin, long Negatives, long Positives)> Bins()
    {
        for (var bin = Math.Min(_negatives.Low, _positives.Low); bin < Math.Max(_negatives.High, _positives.High); bin++)
        {
            var (n, p) = (_negatives[bin], _positives[bin]);
            if (n != 0 || p != 0)
            {
                yield return (bin, n, p);
            }
        }
    }

    /// <summary>
    /// The ROC AUC of the binned scores (pairs in one bin count half) with DeLong's variance computed on the bins, the
    /// normal interval clipped to [0, 1], and <see cref="Estimate.ErrorBound"/> ½ Σ_b n₁(b) n₀(b) / (n₁ n₀): the most
    /// the exact AUC of the rows can differ from it.
    /// </summary>
    public Estimate RocAuc(double confidence)
    {
        long positives = 0, negatives = 0;
        foreach (var (_, n, p) in Bins())
        {
            negatives += n;
            positives += p;
        }

        var rows = positives + negatives;
        if (positives == 0 || negatives == 0)
        {
            var reason = rows == 0
                ? "ROC AUC needs labelled rows with a probability, there are none"
                : $"ROC AUC is undefined when the labels hold one class only: all {rows} labelled rows with a probability are {(positives == 0 ? 0 : 1)}";
            return Estimate.Undefined(rows, IntervalMethods.DeLong, reason);
        }

        // v10(b): the share of negatives a positive of bin b outscores; v01(b): the share of positives that outscore a negative of bin b.
        double auc = 0.0, tied = 0.0;
        long negativesBelow = 0;
        foreach (var (_, n, p) in Bins())
        {
            auc += p * (negativesBelow + (0.5 * n));
            tied += (double)p * n;
            negativesBelow += n;
        }

        auc /= (double)positives * negatives;
        var bound = 0.5 * tied / ((double)positives * negatives);
        if (positives < 2 || negatives < 2)
        {
            return new Estimate(auc, null, null, rows, IntervalMethods.DeLong,
                $"the DeLong interval needs at least 2 rows of each class, there are {positives} of class 1 and {negatives} of class 0", bound);
        }

        double s10 = 0.0, s01 = 0.0;
        long below = 0, positivesBelow = 0;
        foreach (var (_, n, p) in Bins())
        {
            var v10 = (below + (0.5 * n)) / negatives;
            var v01 = (positives - positivesBelow - (0.5 * p)) / positives;
            s10 += p * (v10 - auc) * (v10 - auc);
            s01 += n * (v01 - auc) * (v01 - auc);
            below += n;
            positivesBelow += p;
        }

        var se = Math.Sqrt((s10 / (positives - 1) / positives) + (s01 / (negatives - 1) / negatives));
        var half = Distributions.TwoSidedNormal(confidence) * se;
        return new Estimate(auc, Math.Max(0.0, auc - half), Math.Min(1.0, auc + half), rows, IntervalMethods.DeLong,
            se == 0.0 ? "the DeLong variance is 0 (the classes are perfectly separated or every score is tied): the interval has zero width" : null, bound);
    }

    /// <summary>Writes the non-empty bins in logit order.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Bins().Count());
        foreach (var (bin, negatives, positives) in Bins())
        {
            writer.Write(bin);
            writer.Write(negatives);
            writer.Write(positives);
        }
    }

    /// <summary>Adds the counts of a histogram <see cref="Write"/> wrote, read from <paramref name="reader"/>.</summary>
    internal void Merge(ref StatisticsReader reader)
    {
        var bins = reader.ReadCount(20);
        if (bins > 0)
        {
            // Written in logit order: room for the first to the last bin at once (any order still reads right).
            var (first, last) = (Math.Max(-Half, reader.PeekInt32(0)), Math.Min(Half, reader.PeekInt32((bins - 1) * 20) + 1));
            _negatives.Cover(first, last);
            _positives.Cover(first, last);
        }

        for (var i = 0; i < bins; i++)
        {
            var bin = reader.ReadInt32();
            if (bin < -Half || bin >= Half)
            {
                throw new FormatException($"a score bin {bin} outside the histogram's bins {-Half} to {Half - 1}");
            }

            _negatives.Add(bin, reader.ReadInt64());
            _positives.Add(bin, reader.ReadInt64());
        }
    }

    /// <summary>Moves <paramref name="reader"/> past a histogram <see cref="Write"/> wrote.</summary>
    internal static void Skip(ref StatisticsReader reader)
    {
        var bins = reader.ReadCount(20);
        reader.Skip(bins * 20);
    }

    private static int Bin(double probability)
    {
        var logit = Math.Log(probability) - Math.Log(1.0 - probability);
        return double.IsNaN(logit) ? 0 : (int)Math.Clamp(Math.Floor(logit / BinWidth), -Half, Half - 1);
    }
}
