namespace ModelOps.Core.Search;

/// <summary>
/// The stable kind names that configs use (the <c>KIND</c> field) to pick a random-search
/// distribution. They never change once released: stored configs and run records refer to them.
/// </summary>
public static class DistributionKinds
{
    /// <summary>A real number drawn evenly from [low, high); see <see cref="UniformDistribution"/>.</summary>
    public const string Uniform = "Uniform";

    /// <summary>A real number whose logarithm is drawn evenly, for scales such as learning rates; see <see cref="LogUniformDistribution"/>.</summary>
    public const string LogUniform = "LogUniform";

    /// <summary>An integer drawn evenly from low to high, both included; see <see cref="IntRangeDistribution"/>.</summary>
    public const string IntRange = "IntRange";

    /// <summary>One of a list of values, each as likely; see <see cref="ChoiceDistribution"/>.</summary>
    public const string Choice = "Choice";

    /// <summary>Every kind name, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Uniform, LogUniform, IntRange, Choice];
}
