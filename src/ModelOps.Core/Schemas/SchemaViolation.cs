namespace ModelOps.Core.Schemas;

/// <summary>One rule that a column breaks, with how often and where first.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Rule">The rule, as a person reads it: <c>maximum 1</c>, <c>not nullable</c>, <c>type int64</c>, <c>missing column</c>.</param>
/// <param name="Count">How many rows break it (0 for rules about the whole column).</param>
/// <param name="Examples">The first offending rows (their 0-based positions in the frame and, for data read from a file, where in it they are) and their values as text.</param>
public sealed record SchemaViolation(string Column, string Rule, int Count, IReadOnlyList<SchemaViolationExample> Examples)
{
    /// <summary>The maximum number of examples kept per violation.</summary>
    public const int MaxExamples = 5;

    /// <summary>This violation with each example's <see cref="SchemaViolationExample.Place"/> set by <paramref name="placeOf"/>.</summary>
    /// <param name="placeOf">Where in its file a 0-based frame row is: <c>line 18</c>, <c>row 17 (row group 0)</c>.</param>
    public SchemaViolation AtPlaces(Func<int, string> placeOf)
    {
        ArgumentNullException.ThrowIfNull(placeOf);
        var examples = new SchemaViolationExample[Examples.Count];
        for (var i = 0; i < examples.Length; i++)
        {
            examples[i] = Examples[i] with { Place = placeOf(Examples[i].Row) };
        }

        return this with { Examples = examples };
    }

    /// <summary>One line of text: <c>column 'temp': maximum 1: 2 rows, first: line 18 = 1.7, line 21 = 1.2</c> (<c>row 17</c> for data not read from a file).</summary>
    public override string ToString()
    {
        if (Count == 0)
        {
            return $"column '{Column}': {Rule}";
        }

        var examples = new string[Examples.Count];
        for (var i = 0; i < examples.Length; i++)
        {
            examples[i] = Examples[i].ToString();
        }

        var rows = Count == 1 ? "1 row" : $"{Count} rows";
        return $"column '{Column}': {Rule}: {rows}, first: {string.Join(", ", examples)}";
    }
}

/// <summary>One offending row.</summary>
/// <param name="Row">The 0-based row position in the frame.</param>
/// <param name="Value">The value as invariant text, or <see langword="null"/> for a null.</param>
public sealed record SchemaViolationExample(int Row, string? Value)
{
    /// <summary>Where in its file the row is, for data read from a file: <c>line 18</c> (text), <c>row 17 (row group 0)</c> (Parquet).</summary>
    /// <value>Default <see langword="null"/>: the data did not come from a file (or the places are unknown).</value>
    public string? Place { get; init; }

    /// <summary><c>line 18 = 1.7</c>, <c>line 4 = null</c>; <c>row 3 = abc</c> when <see cref="Place"/> is unknown.</summary>
    public override string ToString() => $"{Place ?? $"row {Row}"} = {Value ?? "null"}";
}
