using ModelOps.Core.Search;

namespace ModelOps.Core.Tests.Search;

public sealed class TrialRankingTests
{
    [Fact]
    public void Ranks_LowerIsBetter_TiesShareTheSmallestRank()
    {
        Assert.Equal([3, 1, 3, 1, 5], TrialRanking.Ranks([0.5, 0.2, 0.5, 0.2, 0.9], greaterIsBetter: false));
    }

    [Fact]
    public void Ranks_GreaterIsBetter_HighestFirst()
    {
        Assert.Equal([2, 1, 3], TrialRanking.Ranks([0.5, 0.7, -1], greaterIsBetter: true));
    }

    [Fact]
    public void Ranks_NaN_AfterEveryNumberAndShared()
    {
        Assert.Equal([3, 1, 3, 2], TrialRanking.Ranks([double.NaN, 0.9, double.NaN, 0.1], greaterIsBetter: true));
    }

    [Fact]
    public void BestIndex_Tie_EarliestCandidate()
    {
        Assert.Equal(1, TrialRanking.BestIndex([0.3, 0.1, 0.2, 0.1], greaterIsBetter: false));
        Assert.Equal(0, TrialRanking.BestIndex([0.3, 0.1, 0.3], greaterIsBetter: true));
    }

    [Fact]
    public void BestIndex_NaN_NeverBestUnlessAllAre()
    {
        Assert.Equal(2, TrialRanking.BestIndex([double.NaN, double.NaN, 0.5, 0.4], greaterIsBetter: true));
        Assert.Equal(0, TrialRanking.BestIndex([double.NaN, double.NaN], greaterIsBetter: true));
    }

    [Fact]
    public void Beats_InCompletionOrder_SameBestAsInCandidateOrder()
    {
        // Parallel trials finish in any order; the best so far must end at the same candidate.
        double[] means = [0.4, 0.1, 0.7, 0.1, double.NaN, 0.7];
        int[] completion = [5, 3, 4, 2, 0, 1];
        var best = -1;
        var bestScore = double.NaN;
        foreach (var i in completion)
        {
            if (TrialRanking.Beats(means[i], i, bestScore, best, greaterIsBetter: true))
            {
                best = i;
                bestScore = means[i];
            }
        }

        Assert.Equal(TrialRanking.BestIndex(means, greaterIsBetter: true), best);
        Assert.Equal(2, best);
    }
}
