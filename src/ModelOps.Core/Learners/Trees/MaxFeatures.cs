using System.Globalization;

namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// Parses the <c>max_features</c> parameter: <c>all</c>, <c>sqrt</c>, <c>log2</c>, a fraction with a
/// decimal point (<c>0.33</c>: that share of the features) or a whole count (<c>5</c>); at least 1.
/// </summary>
internal static class MaxFeatures
{
    public const string Accepted = "all, sqrt, log2, a fraction such as 0.5, or a count such as 5";

    public static bool IsValid(string text) => TryResolve(text, 1000, out _);

    public static int Resolve(string text, int featureCount) =>
        TryResolve(text, featureCount, out var count) ? count : throw new ArgumentException($"max_features = {text}: must be {Accepted}.");

    private static bool TryResolve(string text, int p, out int count)
    {
        count = p;
        switch (text)
        {
            case "all" or "auto":
                return true;
            case "sqrt":
                count = Math.Max(1, (int)Math.Sqrt(p));
                return true;
            case "log2":
                count = Math.Max(1, (int)Math.Log2(p));
                return true;
        }

        if (text.Contains('.', StringComparison.Ordinal))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && fraction > 0 && fraction <= 1)
            {
                count = Math.Max(1, (int)(fraction * p));
                return true;
            }

            return false;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            count = Math.Min(n, p);
            return true;
        }

        return false;
    }
}
