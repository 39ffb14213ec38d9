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

    private readonly SortedDictionary<int, (long Negatives, long Positives)> _bins = [];

    /// <summary>Counts <paramref name="times"/> rows of probability <paramref name="probability"/> (in [0, 1]) and label 0 or 1; a negative number takes them away.</summary>
    public void Add(double probability, double label, long times = 1)
    {
        var bin = Bin(probability);
        var (negatives, positives) = _bins.GetValueOrDefault(bin);
        if (label == 1.0)
        {
            positives += times;
        }
        else
        {
            negatives += times;
        }

        Set(bin, negatives, positives);
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Merge(ScoreHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (bin, (negatives, positives)) in other._bins)
        {
            var (n, p) = _bins.GetValueOrDefault(bin);
            Set(bin, n + negatives, p + positives);
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
        foreach (var (n, p) in _bins.Values)
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
        foreach (var (n, p) in _bins.Values)
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
        foreach (var (n, p) in _bins.Values)
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

    /// <summary>Writes the non-empty bins.</summary>
    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_bins.Count);
        foreach (var (bin, (negatives, positives)) in _bins)
        {
            writer.Write(bin);
            writer.Write(negatives);
            writer.Write(positives);
        }
    }

    /// <summary>Reads a histogram <see cref="Write"/> wrote.</summary>
    public static ScoreHistogram Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var histogram = new ScoreHistogram();
        var bins = reader.ReadInt32();
        for (var i = 0; i < bins; i++)
        {
            var bin = reader.ReadInt32();
            histogram._bins[bin] = (reader.ReadInt64(), reader.ReadInt64());
        }

        return histogram;
    }

    private static int Bin(double probability)
    {
        var logit = Math.Log(probability) - Math.Log(1.0 - probability);
        return double.IsNaN(logit) ? 0 : (int)Math.Clamp(Math.Floor(logit / BinWidth), -Half, Half - 1);
    }

    private void Set(int bin, long negatives, long positives)
    {
        if (negatives == 0 && positives == 0)
        {
            _bins.Remove(bin);
        }
        else
        {
            _bins[bin] = (negatives, positives);
        }
    }
}
