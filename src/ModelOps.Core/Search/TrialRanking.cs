namespace ModelOps.Core.Search;

/// <summary>Orders trials by mean score: the metric's direction decides, NaN is worst, ties go to the earlier candidate.</summary>
internal static class TrialRanking
{
    /// <summary>
    /// Whether mean score <paramref name="score"/> of candidate <paramref name="index"/> beats the best so far
    /// (<paramref name="bestIndex"/> -1 when there is none yet). A number beats NaN; equal scores go to the earlier candidate.
    /// </summary>
    public static bool Beats(double score, int index, double bestScore, int bestIndex, bool greaterIsBetter)
    {
        if (bestIndex < 0)
        {
            return true;
        }

        if (double.IsNaN(score) || double.IsNaN(bestScore))
        {
            return double.IsNaN(score) == double.IsNaN(bestScore) ? index < bestIndex : double.IsNaN(bestScore);
        }

        return score == bestScore ? index < bestIndex : greaterIsBetter ? score > bestScore : score < bestScore;
    }

    /// <summary>The index of the best of <paramref name="means"/>: the earliest on a tie, 0 when all are NaN.</summary>
    public static int BestIndex(ReadOnlySpan<double> means, bool greaterIsBetter)
    {
        var best = -1;
        var bestScore = double.NaN;
        for (var i = 0; i < means.Length; i++)
        {
            if (Beats(means[i], i, bestScore, best, greaterIsBetter))
            {
                best = i;
                bestScore = means[i];
            }
        }

        return best;
    }

    /// <summary>
    /// Ranks like scikit-learn's <c>rank_test_score</c>: 1 for the best, equal scores share the smallest
    /// rank (scipy's <c>rankdata(method="min")</c>), NaN scores share the rank after every number.
    /// </summary>
    public static int[] Ranks(double[] means, bool greaterIsBetter)
    {
        var order = new int[means.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            double x = means[a], y = means[b];
            var byScore = double.IsNaN(x) || double.IsNaN(y)
                ? double.IsNaN(x).CompareTo(double.IsNaN(y))
                : greaterIsBetter ? y.CompareTo(x) : x.CompareTo(y);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });

        var ranks = new int[means.Length];
        for (var position = 0; position < order.Length; position++)
        {
            var score = means[order[position]];
            var tied = position > 0 && means[order[position - 1]].Equals(score);
            ranks[order[position]] = tied ? ranks[order[position - 1]] : position + 1;
        }

        return ranks;
    }
}
