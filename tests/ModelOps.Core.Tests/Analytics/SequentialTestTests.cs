using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;
using Xunit.Abstractions;

namespace ModelOps.Core.Tests.Analytics;

/// <summary>
/// The challenger-versus-champion confidence sequence keeps its error rate when looked at after every 50 pairs, where a
/// fixed-n z-test does not, and still detects a real difference. Seeded simulations, so the figures are exact.
/// </summary>
public sealed class SequentialTestTests(ITestOutputHelper output)
{
    private const int Replications = 400;
    private const int MaxPairs = 5000;
    private const int PeekEvery = 50;
    private const double Alpha = 0.05;

    /// <summary>
    /// Under H0 both models' per-row losses have the same distribution: squared errors of N(0, 1) residuals, or log losses
    /// of the same noisy classifier (skewed, heavy right tail). A replication is a false positive when any of the 100
    /// looks shows a difference.
    /// </summary>
    [Theory]
    [InlineData(GroupAnalytics.SquaredErrorLoss, 20250301UL)]
    [InlineData(GroupAnalytics.LogLossLoss, 20250302UL)]
    public void ConfidenceSequence_NoDifferencePeekingEvery50Pairs_FalsePositiveRateAtMostSixPercent(string loss, ulong seed)
    {
        var random = new TestRandom(seed);
        Func<double, double> draw = loss == GroupAnalytics.SquaredErrorLoss ? sd => SquaredError(random, sd) : _ => LogLoss(random);
        int sequenceFalsePositives = 0, naiveFalsePositives = 0;
        var z = Distributions.TwoSidedNormal(1.0 - Alpha);
        for (var r = 0; r < Replications; r++)
        {
            var (sequenceRejected, naiveRejected, _) = Run(draw, challengerSd: 1.0, z);
            sequenceFalsePositives += sequenceRejected ? 1 : 0;
            naiveFalsePositives += naiveRejected ? 1 : 0;
        }

        var sequenceRate = (double)sequenceFalsePositives / Replications;
        var naiveRate = (double)naiveFalsePositives / Replications;
        output.WriteLine($"H0 ({loss}), {Replications} replications, looks every {PeekEvery} pairs up to {MaxPairs}: " +
            $"confidence sequence false positives {sequenceFalsePositives} ({sequenceRate:P2}), naive z-test {naiveFalsePositives} ({naiveRate:P2})");

        Assert.True(sequenceRate <= 0.06, $"confidence sequence false-positive rate {sequenceRate:P2} is above 6 %");

        // The contrast: the same data, judged at each look by the fixed-n 95 % z-test |mean| / (s / √n) > 1.96,
        // is wrongly "significant" far more often than 5 %: repeated looks inflate its error.
        Assert.True(naiveRate > 0.06, $"naive peeking false-positive rate {naiveRate:P2} was expected above 6 %");
    }

    /// <summary>
    /// The stated effect: the challenger's residual standard deviation is 0.92 against the champion's 1.0, so its mean
    /// squared error is 0.8464 against 1.0, a mean loss difference of -0.154, about 0.083 standard deviations of the
    /// per-pair difference (sd √(2·0.92⁴ + 2) ≈ 1.85).
    /// </summary>
    [Fact]
    public void ConfidenceSequence_ChallengerEightPercentLowerRmse_DetectedWithPowerAtLeastNinetyPercent()
    {
        var random = new TestRandom(77);
        var detected = 0;
        var detectionPairs = new List<int>();
        for (var r = 0; r < Replications; r++)
        {
            var (_, _, firstDetection) = Run(sd => SquaredError(random, sd), challengerSd: 0.92, Distributions.TwoSidedNormal(1.0 - Alpha));
            if (firstDetection > 0)
            {
                detected++;
                detectionPairs.Add(firstDetection);
            }
        }

        var power = (double)detected / Replications;
        detectionPairs.Sort();
        var median = detectionPairs.Count == 0 ? 0 : detectionPairs[detectionPairs.Count / 2];
        output.WriteLine($"H1 (challenger residual sd 0.92 vs 1.0), {Replications} replications: power {power:P2}, median pairs to detection {median}");

        Assert.True(power >= 0.9, $"power {power:P2} is below 90 %");
    }

    [Fact]
    public void Margin_GrowingTime_ShrinksAndStaysWiderThanFixedInterval()
    {
        var rho2 = AsymptoticConfidenceSequence.OptimalRho2(Alpha, 500);
        var z = Distributions.TwoSidedNormal(1.0 - Alpha);
        var previous = double.PositiveInfinity;
        foreach (var t in new long[] { 50, 100, 500, 1000, 5000, 100_000 })
        {
            var margin = AsymptoticConfidenceSequence.Margin(t, rho2, Alpha);
            Assert.True(margin < previous, $"margin at t={t} did not shrink");
            Assert.True(margin > z / Math.Sqrt(t), $"margin at t={t} is not wider than the fixed-n interval");
            previous = margin;
        }
    }

    [Fact]
    public void Add_Values_RunningMeanAndDeviationEqualTwoPass()
    {
        var sequence = new AsymptoticConfidenceSequence(Alpha, 500);
        double[] values = [3.5, -1.25, 7.0, 0.5, 2.0];
        foreach (var v in values)
        {
            sequence.Add(v);
        }

        var (mean, sd) = Intervals.MeanAndDeviation(values);
        Assert.Equal(5, sequence.Count);
        Assert.Equal(mean, sequence.Mean, 12);
        Assert.Equal(sd, sequence.Deviation, 12);
    }

    /// <summary>
    /// One replication: whether each test rejected (either side) at some look, and the pairs at the sequence's first
    /// challenger_better look (0: none). The sequence is the report's own verdict (<see cref="GroupAnalytics.Compare"/>),
    /// from the running moments of each model's losses as the statistics keep them.
    /// </summary>
    private static (bool Sequence, bool Naive, int FirstDetection) Run(Func<double, double> loss, double challengerSd, double z)
    {
        var options = new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1, Confidence = 1.0 - Alpha };
        var challengerLosses = default(Moments);
        var championLosses = default(Moments);
        bool sequenceRejected = false, naiveRejected = false;
        var firstDetection = 0;
        for (var n = 1; n <= MaxPairs; n++)
        {
            challengerLosses.Add(loss(challengerSd));
            championLosses.Add(loss(1.0));
            if (n % PeekEvery != 0)
            {
                continue;
            }

            var challenger = LossSummary.Of(challengerLosses);
            var champion = LossSummary.Of(championLosses);
            var comparison = GroupAnalytics.Compare(("m", 2), challenger, ("m", 1), champion, ModelTask.Regression, options);
            sequenceRejected |= comparison.Verdict is Verdicts.ChallengerBetter or Verdicts.ChampionBetter;
            if (firstDetection == 0 && comparison.Verdict == Verdicts.ChallengerBetter)
            {
                firstDetection = n;
            }

            var difference = challenger.Mean - champion.Mean;
            naiveRejected |= Math.Abs(difference) > z * Math.Sqrt((challenger.Variance + champion.Variance) / n);
        }

        return (sequenceRejected, naiveRejected, firstDetection);
    }

    /// <summary>The squared error of a N(0, sd²) residual.</summary>
    private static double SquaredError(TestRandom random, double sd)
    {
        var e = sd * random.NextNormal();
        return e * e;
    }

    /// <summary>
    /// The log loss of one row of a classifier whose logit is 2 (y - 0.3) - 0.85 plus N(0, 1) noise, y ~ Bernoulli(0.3),
    /// computed as the analytics compute it.
    /// </summary>
    private static double LogLoss(TestRandom random)
    {
        var y = random.NextDouble() < 0.3 ? 1.0 : 0.0;
        var logit = (2.0 * (y - 0.3)) - 0.85 + random.NextNormal();
        return LogLossMetric.Loss(y, 1.0 / (1.0 + Math.Exp(-logit)));
    }
}
