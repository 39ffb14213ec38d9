using ModelOps.Core.Analytics;
using Xunit.Abstractions;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>
/// The intervals are sound, not just equal to a reference: over seeded simulated samples whose true values are known,
/// each 95 % interval covers the truth in 92-98 % of 400 replications (the binomial noise of 400 draws is ±1.1 %).
/// </summary>
public sealed class CoverageTests(ITestOutputHelper output)
{
    private const int Replications = 400;
    private const int N = 300;
    private const double Confidence = 0.95;

    /// <summary>
    /// y = 10 x + N(0, 3²), ŷ = 10 x + N(0, 2²), x ~ N(0, 1): E(y - ŷ)² = 13, so RMSE = √13, MAE = √(2·13/π),
    /// R² = 1 - 13 / 109.
    /// </summary>
    [Fact]
    public void RegressionIntervals_KnownTruth_CoverNearNinetyFivePercent()
    {
        var random = new TestRandom(9);
        const double mse = 13.0;
        var truthRmse = Math.Sqrt(mse);
        var truthMae = Math.Sqrt(2.0 * mse / Math.PI);
        var truthR2 = 1.0 - (mse / 109.0);
        int rmse = 0, mae = 0, r2 = 0;
        var actual = new double[N];
        var predicted = new double[N];
        var absolute = new double[N];
        for (var r = 0; r < Replications; r++)
        {
            for (var i = 0; i < N; i++)
            {
                var x = random.NextNormal();
                actual[i] = (10.0 * x) + (3.0 * random.NextNormal());
                predicted[i] = (10.0 * x) + (2.0 * random.NextNormal());
                absolute[i] = Math.Abs(actual[i] - predicted[i]);
            }

            rmse += Covers(Intervals.Rmse(actual, predicted, Confidence), truthRmse);
            mae += Covers(Intervals.Mean(absolute, Confidence, "mae"), truthMae);
            r2 += Covers(Intervals.R2(actual, predicted, Confidence), truthR2);
        }

        output.WriteLine($"coverage over {Replications} samples of {N}: RMSE {Rate(rmse):P2}, MAE {Rate(mae):P2}, R² {Rate(r2):P2}");
        AssertNominal("RMSE", rmse);
        AssertNominal("MAE", mae);
        AssertNominal("R²", r2);
    }

    /// <summary>
    /// Binormal scores: positives N(1, 1), negatives N(0, 1), P(positive) = 0.3, so AUC = Φ(1/√2); predicted label 1
    /// when the score is above 0.5, so accuracy = 0.3 Φ(0.5) + 0.7 Φ(0.5).
    /// </summary>
    [Fact]
    public void ClassificationIntervals_KnownTruth_CoverNearNinetyFivePercent()
    {
        var random = new TestRandom(10);
        var truthAuc = Distributions.NormalCdf(1.0 / Math.Sqrt(2.0));
        var truthAccuracy = Distributions.NormalCdf(0.5);
        int auc = 0, accuracy = 0;
        var labels = new double[N];
        var scores = new double[N];
        for (var r = 0; r < Replications; r++)
        {
            long correct = 0;
            for (var i = 0; i < N; i++)
            {
                labels[i] = random.NextDouble() < 0.3 ? 1.0 : 0.0;
                scores[i] = labels[i] + random.NextNormal();
                correct += (scores[i] > 0.5 ? 1.0 : 0.0) == labels[i] ? 1 : 0;
            }

            auc += Covers(Intervals.RocAuc(labels, scores, Confidence), truthAuc);
            accuracy += Covers(Intervals.Wilson(correct, N, Confidence, "accuracy"), truthAccuracy);
        }

        output.WriteLine($"coverage over {Replications} samples of {N}: ROC AUC (DeLong) {Rate(auc):P2}, accuracy (Wilson) {Rate(accuracy):P2}");
        AssertNominal("ROC AUC", auc);
        AssertNominal("accuracy", accuracy);
    }

    private static int Covers(Estimate estimate, double truth) => estimate.Lower <= truth && truth <= estimate.Upper ? 1 : 0;

    private static double Rate(int covered) => (double)covered / Replications;

    private static void AssertNominal(string what, int covered) =>
        Assert.True(Rate(covered) is >= 0.92 and <= 0.98, $"{what} interval covered the truth in {Rate(covered):P2} of {Replications} samples");
}
