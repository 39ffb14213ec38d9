using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Learners;

/// <summary>Every learner by its config name (<c>KIND</c>), with its default options.</summary>
public static class LearnerCatalog
{
    private static readonly Dictionary<string, Func<LearnerOptions>> Factories = new(StringComparer.Ordinal)
    {
        ["DecisionTreeRegressor"] = () => new DecisionTreeRegressorOptions(),
        ["DecisionTreeClassifier"] = () => new DecisionTreeClassifierOptions(),
        ["RandomForestRegressor"] = () => new RandomForestRegressorOptions(),
        ["RandomForestClassifier"] = () => new RandomForestClassifierOptions(),
        ["GradientBoostingRegressor"] = () => new GradientBoostingRegressorOptions(),
        ["GradientBoostingClassifier"] = () => new GradientBoostingClassifierOptions(),
    };

    /// <summary>The learner names, sorted.</summary>
    public static IReadOnlyList<string> Kinds => [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The default options of learner <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">No such learner; the message lists them.</exception>
    public static LearnerOptions Create(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return Factories.TryGetValue(kind, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown learner '{kind}'; learners are: {string.Join(", ", Kinds)}.");
    }
}
