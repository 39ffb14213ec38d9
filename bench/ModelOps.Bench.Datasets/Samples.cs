namespace ModelOps.Bench;

/// <summary>Summaries of a measurement's runs.</summary>
internal static class Samples
{
    /// <summary>The median of <paramref name="sorted"/> (in ascending order): the middle value, or the mean of the two middle ones.</summary>
    public static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
