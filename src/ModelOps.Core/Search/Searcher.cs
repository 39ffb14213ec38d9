namespace ModelOps.Core.Search;

/// <summary>The entry point that turns validated options into an <see cref="ISearcher"/>.</summary>
public static class Searcher
{
    /// <summary>The searcher that <paramref name="options"/> describe, with its candidates drawn.</summary>
    /// <exception cref="ArgumentException">
    /// Some options are invalid; the message lists every problem, for example
    /// <c>Invalid RandomSearch options: NIter=0 must be at least 1 and at most 1,000,000; Distributions parameter 'learning_rate': LogUniform Low=0 must be greater than 0 (the logarithm of 0 or less is undefined).</c>
    /// </exception>
    public static ISearcher Create(SearchOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {options.Kind} options: {string.Join("; ", problems)}.", nameof(options));
        }

        return new CandidateSearcher(
            options.Kind,
            options.CreateCandidates(),
            options.MaxParallelTrials ?? Environment.ProcessorCount,
            options.Refit);
    }

    /// <summary>
    /// Every problem with <paramref name="options"/>, one phrase each naming the option, its value and
    /// the allowed range (for a config reader to prefix with its path); empty when valid. Problems that
    /// depend on the model (unknown parameter names, values out of the learner's range) are reported by
    /// <see cref="ISearcher.Run"/> before any trial runs.
    /// </summary>
    public static IReadOnlyList<string> Validate(SearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        options.CollectProblems(problems);
        return problems;
    }
}
