namespace ModelOps.Core.Text;

/// <summary>Finds the known name closest to a misspelt one, for "did you mean ...?" hints.</summary>
public static class NameSuggestions
{
    /// <summary>
    /// The candidate with the smallest edit distance to <paramref name="name"/> (case-insensitive),
    /// or <see langword="null"/> when none is close (distance above a third of the name's length, at least 2).
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        var limit = Math.Max(2, name.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= limit ? best : null;
    }

    /// <summary>
    /// Up to <paramref name="count"/> candidates, closest to <paramref name="name"/> first
    /// (case-insensitive edit distance; ties keep the candidates' order).
    /// </summary>
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var lowered = name.ToLowerInvariant();
        var ranked = new List<(int Distance, int Order, string Name)>();
        foreach (var candidate in candidates)
        {
            ranked.Add((Distance(lowered, candidate.ToLowerInvariant()), ranked.Count, candidate));
        }

        ranked.Sort();
        var nearest = new string[Math.Min(count, ranked.Count)];
        for (var i = 0; i < nearest.Length; i++)
        {
            nearest[i] = ranked[i].Name;
        }

        return nearest;
    }

    /// <summary>The message tail <c>, did you mean X?</c> or an empty string.</summary>
    public static string Hint(string name, IEnumerable<string> candidates) =>
        Closest(name, candidates) is { } match ? $", did you mean {match}?" : string.Empty;

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
