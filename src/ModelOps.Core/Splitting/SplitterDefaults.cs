namespace ModelOps.Core.Splitting;

/// <summary>The default option values, in one place; the options' XML docs state them.</summary>
internal static class SplitterDefaults
{
    /// <summary>Folds for the k-fold and time-series splitters (scikit-learn's default).</summary>
    public const int NSplits = 5;

    /// <summary>The minimum number of folds a cross-validation splitter makes.</summary>
    public const int MinNSplits = 2;

    /// <summary>Rows in the test part when neither size is given (scikit-learn's default).</summary>
    public const double TestFraction = 0.25;

    /// <summary>Rows left out between a time-series training window and its test window.</summary>
    public const int Gap = 0;

    /// <summary>Rows keep their order: time-ordered data is the default here (scikit-learn shuffles by default).</summary>
    public const bool Shuffle = false;

    /// <summary>The seed of the shuffle when <c>Shuffle</c> is true.</summary>
    public const int Seed = 0;
}
