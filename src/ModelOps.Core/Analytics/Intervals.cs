using ModelOps.Core.Metrics;

namespace ModelOps.Core.Analytics;

/// <summary>
/// The point estimates and confidence intervals of the report (formulas and references in docs/hub-analytics.md).
/// Every method takes the confidence level (such as 0.95) and returns an <see cref="Estimate"/> that is finite or null.
/// </summary>
internal static class Intervals
{
    /// <summary>
    /// The share <paramref name="successes"/> / <paramref name="n"/> with its Wilson score interval:
    /// (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n).
    /// </summary>
    public static Estimate Wilson(long successes, long n, double confidence, string what)
    {
        if (n == 0)
        {
            return Estimate.Undefined(0, IntervalMethods.Wilson, $"no rows to compute {what} from");
        }

        var z = Distributions.TwoSidedNormal(confidence);
        var p = (double)successes / n;
        var z2 = z * z;
        var denominator = 1.0 + (z2 / n);
        var centre = (p + (z2 / (2.0 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1.0 - p) / n) + (z2 / (4.0 * n * (double)n))) / denominator;
        return new Estimate(p, Math.Max(0.0, centre - half), Math.Min(1.0, centre + half), n, IntervalMethods.Wilson);
    }

    /// <summary>The mean of <paramref name="values"/> with its Student t interval mean ± t(n-1) s / √n.</summary>
    public static Estimate Mean(ReadOnlySpan<double> values, double confidence, string what)
    {
        var n = values.Length;
        if (n == 0)
        {
            return Estimate.Undefined(0, IntervalMethods.StudentT, $"no rows to compute {what} from");
        }

        var (mean, sd) = MeanAndDeviation(values);
        return MeanOf(n, mean, sd, confidence, what);
    }

    /// <summary><see cref="Mean(ReadOnlySpan{double}, double, string)"/> from the values' <see cref="Moments"/>.</summary>
    public static Estimate Mean(Moments values, double confidence, string what) => values.N == 0
        ? Estimate.Undefined(0, IntervalMethods.StudentT, $"no rows to compute {what} from")
        : MeanOf(values.N, values.Mean, values.Deviation, confidence, what);

    private static Estimate MeanOf(long n, double mean, double sd, double confidence, string what)
    {
        if (n < 2)
        {
            return Estimate.PointOnly(mean, n, IntervalMethods.StudentT, $"the interval of {what} needs at least 2 rows, there is 1");
        }

        var half = Distributions.TwoSidedStudentT(confidence, n - 1) * sd / Math.Sqrt(n);
        return new Estimate(mean, mean - half, mean + half, n, IntervalMethods.StudentT, sd == 0.0 ? ZeroWidth(what, n) : null);
    }


    /// <summary>
    /// The ROC AUC of <paramref name="scores"/> for <paramref name="labels"/> (0/1), as the <c>roc_auc</c> metric scores it
    /// (scikit-learn's trapezoidal area, ties counted half), with DeLong's variance
    /// S10/n1 + S01/n0 from the structural components, and the normal interval clipped to [0, 1].
    /// </summary>
    public static Estimate RocAuc(ReadOnlySpan<double> labels, ReadOnlySpan<double> scores, double confidence)
    {
        var n = labels.Length;
        var positives = 0;
        for (var i = 0; i < n; i++)
        {
            positives += labels[i] == 1.0 ? 1 : 0;
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            var reason = n == 0
                ? "ROC AUC needs labelled rows with a probability, there are none"
                : $"ROC AUC is undefined when the labels hold one class only: all {n} labelled rows with a probability are {(positives == 0 ? 0 : 1)}";
            return Estimate.Undefined(n, IntervalMethods.DeLong, reason);
        }

        // Midranks in the pooled sample and within each class (DeLong's components from ranks, Sun and Xu 2014).
        var pooled = MidRanks(scores);
        var positiveScores = new double[positives];
        var negativeScores = new double[negatives];
        var positiveRows = new int[positives];
        var negativeRows = new int[negatives];
        for (int i = 0, p = 0, q = 0; i < n; i++)
        {
            if (labels[i] == 1.0)
            {
                positiveRows[p] = i;
                positiveScores[p++] = scores[i];
            }
            else
            {
                negativeRows[q] = i;
                negativeScores[q++] = scores[i];
            }
        }

        var withinPositives = MidRanks(positiveScores);
        var withinNegatives = MidRanks(negativeScores);
        var v10 = new double[positives];
        var v01 = new double[negatives];
        for (var k = 0; k < positives; k++)
        {
            // The share of negatives this positive outscores (ties half).
            v10[k] = (pooled[positiveRows[k]] - withinPositives[k]) / negatives;
        }

        for (var k = 0; k < negatives; k++)
        {
            // The share of positives that outscore this negative (ties half).
            v01[k] = 1.0 - ((pooled[negativeRows[k]] - withinNegatives[k]) / positives);
        }

        // The point estimate is the roc_auc metric's (scikit-learn's trapezoid, bit for bit); the mean of the
        // components is the same area up to rounding, and only their spread is used here.
        var auc = MetricCatalog.Get(MetricNames.RocAuc).Score(labels, scores);
        var (_, s10) = MeanAndDeviation(v10);
        if (positives < 2 || negatives < 2)
        {
            return Estimate.PointOnly(auc, n, IntervalMethods.DeLong,
                $"the DeLong interval needs at least 2 rows of each class, there are {positives} of class 1 and {negatives} of class 0");
        }

        var (_, s01) = MeanAndDeviation(v01);
        var se = Math.Sqrt((s10 * s10 / positives) + (s01 * s01 / negatives));
        var half = Distributions.TwoSidedNormal(confidence) * se;
        return new Estimate(auc, Math.Max(0.0, auc - half), Math.Min(1.0, auc + half), n, IntervalMethods.DeLong,
            se == 0.0 ? "the DeLong variance is 0 (the classes are perfectly separated or every score is tied): the interval has zero width" : null);
    }

    /// <summary>
    /// RMSE = √MSE with the delta-method interval RMSE ± t(n-1) se(MSE) / (2 RMSE), se(MSE) = s(e²)/√n, lower end at
    /// least 0.
    /// </summary>
    public static Estimate Rmse(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, double confidence)
    {
        var n = actual.Length;
        if (n == 0)
        {
            return Estimate.Undefined(0, IntervalMethods.DeltaRmse, "no labelled rows to compute RMSE from");
        }

        var squared = new double[n];
        for (var i = 0; i < n; i++)
        {
            var e = actual[i] - predicted[i];
            squared[i] = e * e;
        }

        var (mse, sd) = MeanAndDeviation(squared);
        return RmseOf(n, mse, sd, confidence);
    }

    /// <summary><see cref="Rmse(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/> from the <see cref="Moments"/> of the squared errors.</summary>
    public static Estimate Rmse(Moments squaredErrors, double confidence) => squaredErrors.N == 0
        ? Estimate.Undefined(0, IntervalMethods.DeltaRmse, "no labelled rows to compute RMSE from")
        : RmseOf(squaredErrors.N, squaredErrors.Mean, squaredErrors.Deviation, confidence);

    private static Estimate RmseOf(long n, double mse, double sd, double confidence)
    {
        var rmse = Math.Sqrt(mse);
        if (n < 2)
        {
            return Estimate.PointOnly(rmse, n, IntervalMethods.DeltaRmse, "the interval of RMSE needs at least 2 rows, there is 1");
        }

        if (mse == 0.0)
        {
            return new Estimate(0.0, 0.0, 0.0, n, IntervalMethods.DeltaRmse, $"all {n} errors are 0: the interval has zero width");
        }

        var se = sd / Math.Sqrt(n) / (2.0 * rmse);
        var half = Distributions.TwoSidedStudentT(confidence, n - 1) * se;
        return new Estimate(rmse, Math.Max(0.0, rmse - half), rmse + half, n, IntervalMethods.DeltaRmse,
            sd == 0.0 ? ZeroWidth("the squared errors", n) : null);
    }

    /// <summary>
    /// R² = 1 - SS_res / SS_tot as scikit-learn computes it (1 when SS_res = 0, 0 when only SS_tot = 0), with the
    /// delta-method interval R² ± t(n-1) s(d) / (b̄ √n), d_i = a_i - r b_i, a_i = (y_i - ŷ_i)², b_i = (y_i - ȳ)²,
    /// r = ā / b̄ (the influence function of the ratio of two means).
    /// </summary>
    public static Estimate R2(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted, double confidence)
    {
        var n = actual.Length;
        if (n < 2)
        {
            return Estimate.Undefined(n, IntervalMethods.DeltaR2, $"R² needs at least 2 labelled rows, there {(n == 1 ? "is 1" : "are 0")}");
        }

        var (yMean, _) = MeanAndDeviation(actual);
        var a = new double[n];
        var b = new double[n];
        double ssRes = 0.0, ssTot = 0.0;
        for (var i = 0; i < n; i++)
        {
            var e = actual[i] - predicted[i];
            var c = actual[i] - yMean;
            a[i] = e * e;
            b[i] = c * c;
            ssRes += a[i];
            ssTot += b[i];
        }

        if (ssRes == 0.0)
        {
            return new Estimate(1.0, 1.0, 1.0, n, IntervalMethods.DeltaR2, $"all {n} errors are 0: R² is 1 and the interval has zero width");
        }

        if (ssTot == 0.0)
        {
            return Estimate.PointOnly(0.0, n, IntervalMethods.DeltaR2,
                $"the {n} labels are all equal, so R² is 0 by scikit-learn's convention and has no interval");
        }

        var r = ssRes / ssTot;
        var d = new double[n];
        for (var i = 0; i < n; i++)
        {
            d[i] = a[i] - (r * b[i]);
        }

        var (_, sd) = MeanAndDeviation(d);
        return R2Of(n, ssRes, ssTot, sd, confidence);
    }

    /// <summary>
    /// <see cref="R2(ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/> from the <see cref="Moments"/> of the squared
    /// errors e² and of the labels y (SS_res = n·mean(e²), SS_tot = M2 of y: both keep their digits) and, for the
    /// interval, power sums Σy³, Σy⁴, Σe²y, Σe²y²: with ȳ the labels' mean, Σa² = Σe⁴ = M2(e²) + n·mean(e²)²,
    /// Σab = Σe²y² - 2ȳΣe²y + ȳ²Σe², Σb² = Σy⁴ - 4ȳΣy³ + 6ȳ²Σy² - 4ȳ³Σy + nȳ⁴, and as Σd = 0,
    /// s(d)² = (Σa² - 2rΣab + r²Σb²) / (n - 1).
    /// </summary>
    public static Estimate R2(Moments squaredErrors, Moments labels, (double Y3, double Y4, double E2Y, double E2Y2) powers, double confidence)
    {
        var n = labels.N;
        if (n < 2)
        {
            return Estimate.Undefined(n, IntervalMethods.DeltaR2, $"R² needs at least 2 labelled rows, there {(n == 1 ? "is 1" : "are 0")}");
        }

        var ssRes = squaredErrors.Sum;
        var ssTot = labels.M2;
        if (ssRes == 0.0)
        {
            return new Estimate(1.0, 1.0, 1.0, n, IntervalMethods.DeltaR2, $"all {n} errors are 0: R² is 1 and the interval has zero width");
        }

        if (ssTot <= 0.0)
        {
            return Estimate.PointOnly(0.0, n, IntervalMethods.DeltaR2,
                $"the {n} labels are all equal, so R² is 0 by scikit-learn's convention and has no interval");
        }

        var r = ssRes / ssTot;
        var mean = labels.Mean;
        var m2 = mean * mean;
        var sumY = n * mean;
        var sumY2 = ssTot + (n * m2);
        var sumE4 = squaredErrors.M2 + (n * squaredErrors.Mean * squaredErrors.Mean);
        var sumAb = powers.E2Y2 - (2.0 * mean * powers.E2Y) + (m2 * ssRes);
        var sumB2 = powers.Y4 - (4.0 * mean * powers.Y3) + (6.0 * m2 * sumY2) - (4.0 * m2 * mean * sumY) + (n * m2 * m2);
        var sd = Math.Sqrt(Math.Max(0.0, (sumE4 - (2.0 * r * sumAb) + (r * r * sumB2)) / (n - 1)));
        return R2Of(n, ssRes, ssTot, sd, confidence);
    }

    private static Estimate R2Of(long n, double ssRes, double ssTot, double sd, double confidence)
    {
        var r = ssRes / ssTot;
        var se = sd / (ssTot / n) / Math.Sqrt(n);
        var half = Distributions.TwoSidedStudentT(confidence, n - 1) * se;
        var r2 = 1.0 - r;
        return new Estimate(r2, r2 - half, Math.Min(1.0, r2 + half), n, IntervalMethods.DeltaR2);
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile of <paramref name="sorted"/> (ascending) as <c>numpy.percentile</c>
    /// computes it by default (method "linear"): index h = (n - 1) q, then linear interpolation between the values
    /// either side, in NumPy's form (from the nearer side).
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double percent)
    {
        var h = percent / 100.0 * (sorted.Length - 1);
        var below = (int)Math.Floor(h);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var gamma = h - below;
        var a = sorted[below];
        var b = sorted[above];
        var diff = b - a;
        return gamma >= 0.5 ? b - (diff * (1.0 - gamma)) : a + (diff * gamma);
    }

    /// <summary>
    /// The mean and the sample standard deviation (n - 1 in the denominator; 0 for one value), two passes; equal values
    /// give that value and exactly 0 (the rounding of their sum does not invent a spread).
    /// </summary>
    public static (double Mean, double Deviation) MeanAndDeviation(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        var equal = true;
        foreach (var v in values)
        {
            sum += v;
            equal &= v == values[0];
        }

        if (equal && values.Length > 0)
        {
            return (values[0], 0.0);
        }

        var mean = sum / values.Length;
        if (values.Length < 2)
        {
            return (mean, 0.0);
        }

        var squares = 0.0;
        foreach (var v in values)
        {
            var d = v - mean;
            squares += d * d;
        }

        return (mean, Math.Sqrt(squares / (values.Length - 1)));
    }

    /// <summary>1-based ranks with ties given the mean of the ranks they span.</summary>
    internal static double[] MidRanks(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var order = new int[n];
        var keys = values.ToArray();
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(keys, order);
        var ranks = new double[n];
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            // Ranks start+1 .. end share their mean.
            var rank = 0.5 * (start + 1 + end);
            for (var k = start; k < end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end;
        }

        return ranks;
    }

    private static string ZeroWidth(string what, long n) => $"all {n} values of {what} are equal: the interval has zero width";
}
