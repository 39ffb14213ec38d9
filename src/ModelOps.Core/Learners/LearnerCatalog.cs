using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Learners;

/// <summary>
/// Every learner by its config name (<c>KIND</c>), with its default options. <see cref="Kinds"/>
/// lists the learners that train; <see cref="Create"/> also knows <c>XGBoostImported</c>, the
/// learner of imported XGBoost models, so their saved files load.
/// </summary>
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
        ["LinearRegression"] = () => new LinearRegressionOptions(),
        ["Ridge"] = () => new RidgeOptions(),
        ["LogisticRegression"] = () => new LogisticRegressionOptions(),
    };

    private static readonly Dictionary<string, Func<LearnerOptions>> Imported = new(StringComparer.Ordinal)
    {
        ["XGBoostImported"] = () => new XGBoostImportedOptions(),
    };

    /// <summary>The names of the learners that train, sorted (imported-model learners are not listed).</summary>
    public static IReadOnlyList<string> Kinds => [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The default options of learner <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">No such learner; the message lists them.</exception>
    public static LearnerOptions Create(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return Factories.TryGetValue(kind, out var factory) || Imported.TryGetValue(kind, out factory)
            ? factory()
            : throw new ArgumentException($"Unknown learner '{kind}'; learners are: {string.Join(", ", Kinds)}.");
    }
}
