namespace ModelOps.Core.Splitting;

/// <summary>
/// The options of one splitter kind. Pass them to <see cref="Splitter.Create(SplitterOptions)"/>,
/// which validates them once and lists every problem in one message.
/// </summary>
public abstract record SplitterOptions
{
    private protected SplitterOptions()
    {
    }

    /// <summary>The kind name of the splitter these options make (see <see cref="SplitterKinds"/>).</summary>
    public abstract string Kind { get; }

    /// <summary>Adds one sentence per invalid option, naming it, its value and the allowed range.</summary>
    internal abstract void CollectProblems(List<string> problems);

    /// <summary>The splitter, for options that <see cref="CollectProblems"/> found valid.</summary>
    internal abstract ISplitter CreateValidated();

    /// <summary>Adds a problem when a split count is below the minimum.</summary>
    private protected static void CheckNSplits(int nSplits, List<string> problems)
    {
        if (nSplits < SplitterDefaults.MinNSplits)
        {
            problems.Add($"NSplits={nSplits} must be at least {SplitterDefaults.MinNSplits}");
        }
    }
}
