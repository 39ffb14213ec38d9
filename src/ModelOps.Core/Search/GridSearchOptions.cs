using System.Globalization;
using System.Numerics;

namespace ModelOps.Core.Search;

/// <summary>One parameter of a grid and the values to try for it.</summary>
/// <param name="Name">The learner parameter's config name (snake_case), e.g. <c>max_depth</c>.</param>
/// <param name="Values">The values to try, in order: numbers, text, booleans or null (for an optional parameter).</param>
public sealed record GridParameter(string Name, IReadOnlyList<object?> Values);

/// <summary>
/// Options of the <see cref="SearcherKinds.GridSearch"/> searcher: every combination of the listed
/// values is a candidate. Candidates come in a fixed order: parameters in the order of
/// <see cref="Grid"/>, the last one varying fastest (for <c>a: [1, 2]</c>, <c>b: [x, y]</c> the order is
/// <c>(1, x), (1, y), (2, x), (2, y)</c>). Unlike scikit-learn's <c>ParameterGrid</c>, which sorts the
/// names first, the order is the one written in the config.
/// </summary>
public sealed record GridSearchOptions : SearchOptions
{
    /// <inheritdoc/>
    public override string Kind => SearcherKinds.GridSearch;

    /// <summary>The parameters and their values.</summary>
    /// <value>Default empty, which is invalid: list at least one parameter, each with at least one value, at most 1,000,000 combinations in all.</value>
    public IReadOnlyList<GridParameter> Grid { get; init; } = [];

    internal override void CollectProblems(List<string> problems)
    {
        base.CollectProblems(problems);
        if (Grid is null || Grid.Count == 0)
        {
            problems.Add("Grid must list at least one parameter");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var combinations = BigInteger.One;
        foreach (var parameter in Grid)
        {
            if (parameter is null)
            {
                problems.Add("Grid has a parameter without a name");
                continue;
            }

            CheckName(nameof(Grid), parameter.Name, seen, problems);
            if (parameter.Values is null || parameter.Values.Count == 0)
            {
                problems.Add($"Grid parameter '{parameter.Name}' has no values (list at least one)");
                continue;
            }

            combinations *= parameter.Values.Count;
        }

        if (combinations > SearchDefaults.MaxCandidates)
        {
            problems.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Grid has {combinations:N0} combinations; at most {SearchDefaults.MaxCandidates:N0} are allowed (use RandomSearch for larger spaces)"));
        }
    }

    internal override IReadOnlyList<ParameterSet> CreateCandidates()
    {
        var count = 1;
        foreach (var parameter in Grid)
        {
            count *= parameter.Values.Count;
        }

        // Mixed-radix counting: candidate i's digit for parameter p is (i / product of the later
        // parameters' sizes) mod p's size, so the last parameter varies fastest.
        var candidates = new ParameterSet[count];
        var pairs = new KeyValuePair<string, object?>[Grid.Count];
        for (var i = 0; i < count; i++)
        {
            var rest = i;
            for (var p = Grid.Count - 1; p >= 0; p--)
            {
                var values = Grid[p].Values;
                pairs[p] = new(Grid[p].Name, values[rest % values.Count]);
                rest /= values.Count;
            }

            candidates[i] = new ParameterSet(pairs);
        }

        return candidates;
    }
}
