namespace ModelOps.Core.Schemas;

/// <summary>One rule that a column breaks, with how often and where first.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Rule">The rule, as a person reads it: <c>maximum 1</c>, <c>not nullable</c>, <c>type int64</c>, <c>missing column</c>.</param>
/// <param name="Count">How many rows break it (0 for rules about the whole column).</param>
/// <param name="Examples">The first offending rows (0-based row positions in the frame) and their values as text.</param>
public sealed record SchemaViolation(string Column, string Rule, int Count, IReadOnlyList<SchemaViolationExample> Examples)
{
    /// <summary>The maximum number of examples kept per violation.</summary>
    public const int MaxExamples = 5;

    /// <summary>One line of text: <c>column 'temp': maximum 1: 2 rows, first: row 17 = 1.7, row 20 = 1.2</c>.</summary>
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
    /// <summary><c>row 17 = 1.7</c>, <c>row 3 = null</c>, <c>row 4 = abc</c>.</summary>
    public override string ToString() => $"row {Row} = {Value ?? "null"}";
}
