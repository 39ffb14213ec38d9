using System.Globalization;
using ModelOps.Core.Randomness;

namespace ModelOps.Core.Search;

/// <summary>One parameter of a random search and the distribution its values are drawn from.</summary>
/// <param name="Name">The learner parameter's config name (snake_case), e.g. <c>learning_rate</c>.</param>
/// <param name="Distribution">Where its values come from.</param>
public sealed record RandomParameter(string Name, ParameterDistribution Distribution);

/// <summary>
/// Options of the <see cref="SearcherKinds.RandomSearch"/> searcher: <see cref="NIter"/> candidates,
/// each drawing one value per parameter, in the order of <see cref="Distributions"/>, from one
/// SplitMix64 generator seeded with <see cref="Seed"/>. The same options give the same candidates
/// on every run and machine (the generator and the logarithms are computed bit for bit the same
/// everywhere). Candidates may repeat, as in scikit-learn's <c>RandomizedSearchCV</c> with
/// distributions.
/// </summary>
public sealed record RandomSearchOptions : SearchOptions
{
    /// <inheritdoc/>
    public override string Kind => SearcherKinds.RandomSearch;

    /// <summary>The parameters and their distributions.</summary>
    /// <value>Default empty, which is invalid: list at least one parameter.</value>
    public IReadOnlyList<RandomParameter> Distributions { get; init; } = [];

    /// <summary>The number of candidates drawn.</summary>
    /// <value>Default 10; at least 1 and at most 1,000,000.</value>
    public int NIter { get; init; } = SearchDefaults.NIter;

    /// <summary>The seed of the draws; the same seed gives the same candidates.</summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; } = SearchDefaults.Seed;

    internal override void CollectProblems(List<string> problems)
    {
        base.CollectProblems(problems);
        if (NIter < 1 || NIter > SearchDefaults.MaxCandidates)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"NIter={NIter} must be at least 1 and at most {SearchDefaults.MaxCandidates:N0}"));
        }

        if (Distributions is null || Distributions.Count == 0)
        {
            problems.Add("Distributions must list at least one parameter");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in Distributions)
        {
            if (parameter is null)
            {
                problems.Add("Distributions has a parameter without a name");
                continue;
            }

            CheckName(nameof(Distributions), parameter.Name, seen, problems);
            if (parameter.Distribution is null)
            {
                problems.Add($"Distributions parameter '{parameter.Name}' has no distribution");
                continue;
            }

            var own = new List<string>();
            parameter.Distribution.CollectProblems(own);
            foreach (var problem in own)
            {
                problems.Add($"Distributions parameter '{parameter.Name}': {problem}");
            }
        }
    }

    internal override IReadOnlyList<ParameterSet> CreateCandidates()
    {
        var random = new SplitMix64(unchecked((ulong)(long)Seed));
        var candidates = new ParameterSet[NIter];
        var pairs = new KeyValuePair<string, object?>[Distributions.Count];
        for (var i = 0; i < NIter; i++)
        {
            for (var p = 0; p < pairs.Length; p++)
            {
                pairs[p] = new(Distributions[p].Name, Distributions[p].Distribution.Sample(ref random));
            }

            candidates[i] = new ParameterSet(pairs);
        }

        return candidates;
    }
}
