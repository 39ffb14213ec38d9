namespace ModelOps.Core.Splitting;

/// <summary>The entry point that turns validated options into an <see cref="ISplitter"/>.</summary>
public static class Splitter
{
    /// <summary>The splitter that <paramref name="options"/> describe.</summary>
    /// <exception cref="ArgumentException">
    /// Some options are invalid; the message lists every problem, for example
    /// <c>Invalid TimeSeriesSplit options: NSplits=1 must be at least 2; Gap=-1 must be 0 or more.</c>
    /// </exception>
    public static ISplitter Create(SplitterOptions options)
    {
        var problems = Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {options.Kind} options: {string.Join("; ", problems)}.", nameof(options));
        }

        return options.CreateValidated();
    }

    /// <summary>
    /// Every problem with <paramref name="options"/>, one phrase each naming the option, its value
    /// and the allowed range (for a config reader to prefix with its path); empty when valid.
    /// Problems that depend on the data (too few rows, bad labels) are reported by
    /// <see cref="ISplitter.Split(int, ReadOnlySpan{double})"/>.
    /// </summary>
    public static IReadOnlyList<string> Validate(SplitterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        options.CollectProblems(problems);
        return problems;
    }
}
