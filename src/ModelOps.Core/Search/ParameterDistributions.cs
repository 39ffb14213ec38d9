using ModelOps.Core.Randomness;

namespace ModelOps.Core.Search;

/// <summary>
/// Where a random search draws one parameter's values from, chosen in configs by <see cref="Kind"/>
/// (see <see cref="DistributionKinds"/>). Each draw takes exactly one number from the search's
/// seeded generator, so the same seed gives the same values on every machine.
/// </summary>
public abstract record ParameterDistribution
{
    private protected ParameterDistribution()
    {
    }

    /// <summary>The kind name of the distribution (see <see cref="DistributionKinds"/>).</summary>
    public abstract string Kind { get; }

    /// <summary>Adds one phrase per invalid option, naming it, its value and the allowed range.</summary>
    internal abstract void CollectProblems(List<string> problems);

    /// <summary>One value, for options that <see cref="CollectProblems"/> found valid.</summary>
    internal abstract object? Sample(ref SplitMix64 random);

    /// <summary>Adds a problem when a bound is NaN or infinite.</summary>
    private protected void CheckFinite(string name, double value, List<string> problems)
    {
        if (!double.IsFinite(value))
        {
            problems.Add($"{Kind} {name}={ParameterSet.Format(value)} must be a finite number");
        }
    }

    /// <summary>Adds a problem when the bounds are in the wrong order.</summary>
    private protected void CheckOrder(double low, double high, List<string> problems)
    {
        if (low > high)
        {
            problems.Add($"{Kind} Low={ParameterSet.Format(low)} must be at most High={ParameterSet.Format(high)}");
        }
    }
}

/// <summary>
/// A real number drawn evenly between <see cref="Low"/> and <see cref="High"/> (<c>low + u (high - low)</c>
/// with <c>u</c> in [0, 1)), like <c>scipy.stats.uniform(low, high - low)</c>.
/// </summary>
public sealed record UniformDistribution : ParameterDistribution
{
    /// <inheritdoc/>
    public override string Kind => DistributionKinds.Uniform;

    /// <summary>The smallest value.</summary>
    /// <value>Required; finite and at most <see cref="High"/>.</value>
    public required double Low { get; init; }

    /// <summary>The largest value.</summary>
    /// <value>Required; finite and at least <see cref="Low"/>.</value>
    public required double High { get; init; }

    internal override void CollectProblems(List<string> problems)
    {
        CheckFinite(nameof(Low), Low, problems);
        CheckFinite(nameof(High), High, problems);
        CheckOrder(Low, High, problems);
    }

    internal override object? Sample(ref SplitMix64 random) =>
        Math.Clamp(Low + (random.NextDouble() * (High - Low)), Low, High);
}

/// <summary>
/// A real number whose natural logarithm is drawn evenly between <c>ln(Low)</c> and <c>ln(High)</c>,
/// like <c>scipy.stats.loguniform(low, high)</c>: each factor of ten in the range is as likely, which
/// suits learning rates and regularization strengths.
/// </summary>
public sealed record LogUniformDistribution : ParameterDistribution
{
    /// <inheritdoc/>
    public override string Kind => DistributionKinds.LogUniform;

    /// <summary>The smallest value.</summary>
    /// <value>Required; finite, greater than 0 and at most <see cref="High"/>.</value>
    public required double Low { get; init; }

    /// <summary>The largest value.</summary>
    /// <value>Required; finite and at least <see cref="Low"/>.</value>
    public required double High { get; init; }

    internal override void CollectProblems(List<string> problems)
    {
        CheckFinite(nameof(Low), Low, problems);
        CheckFinite(nameof(High), High, problems);
        if (Low <= 0)
        {
            problems.Add($"{Kind} Low={ParameterSet.Format(Low)} must be greater than 0 (the logarithm of 0 or less is undefined)");
        }

        CheckOrder(Low, High, problems);
    }

    // StrictMath, not Math: the platform's log and exp may differ in the last bit between machines.
    internal override object? Sample(ref SplitMix64 random)
    {
        var logLow = StrictMath.Log(Low);
        var logHigh = StrictMath.Log(High);
        return Math.Clamp(StrictMath.Exp(logLow + (random.NextDouble() * (logHigh - logLow))), Low, High);
    }
}

/// <summary>
/// An integer drawn evenly from <see cref="Low"/> to <see cref="High"/>, both included, like
/// <c>scipy.stats.randint(low, high + 1)</c>.
/// </summary>
public sealed record IntRangeDistribution : ParameterDistribution
{
    /// <inheritdoc/>
    public override string Kind => DistributionKinds.IntRange;

    /// <summary>The smallest value.</summary>
    /// <value>Required; at most <see cref="High"/>.</value>
    public required int Low { get; init; }

    /// <summary>The largest value (included).</summary>
    /// <value>Required; at least <see cref="Low"/>.</value>
    public required int High { get; init; }

    internal override void CollectProblems(List<string> problems) => CheckOrder(Low, High, problems);

    internal override object? Sample(ref SplitMix64 random) =>
        (int)(Low + (long)random.NextBounded((ulong)((long)High - Low + 1)));
}

/// <summary>One of <see cref="Values"/>, each as likely; values may be numbers, text, booleans or null.</summary>
public sealed record ChoiceDistribution : ParameterDistribution
{
    /// <inheritdoc/>
    public override string Kind => DistributionKinds.Choice;

    /// <summary>The values to choose from (a value listed twice is twice as likely).</summary>
    /// <value>Required; at least one value.</value>
    public required IReadOnlyList<object?> Values { get; init; }

    internal override void CollectProblems(List<string> problems)
    {
        if (Values is null || Values.Count == 0)
        {
            problems.Add($"{Kind} Values must hold at least one value");
        }
    }

    internal override object? Sample(ref SplitMix64 random) => Values[(int)random.NextBounded((ulong)Values.Count)];
}
