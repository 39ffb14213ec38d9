namespace ModelOps.Core.Data;

/// <summary>A one-line description of a column: type, nulls, range or most frequent values.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The column type.</param>
/// <param name="Count">The number of rows.</param>
/// <param name="Nulls">The number of null rows.</param>
/// <param name="Distinct">The number of distinct non-null values.</param>
/// <param name="Minimum">The smallest value as invariant text (numbers and date-times), else <see langword="null"/>.</param>
/// <param name="Maximum">The largest value as invariant text (numbers and date-times), else <see langword="null"/>.</param>
/// <param name="Mean">The mean (numbers), else <see langword="null"/>.</param>
/// <param name="Top">The most frequent values with their counts (text and booleans), most frequent first.</param>
public sealed record ColumnSummary(
    string Name,
    ColumnType Type,
    int Count,
    int Nulls,
    int Distinct,
    string? Minimum,
    string? Maximum,
    double? Mean,
    IReadOnlyList<(string Value, int Count)> Top)
{
    /// <summary>How many of the most frequent values <see cref="Summarize(Column)"/> keeps.</summary>
    public const int TopCount = 3;

    /// <summary>Summarizes every column of <paramref name="frame"/>.</summary>
    public static IReadOnlyList<ColumnSummary> Summarize(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var result = new ColumnSummary[frame.ColumnCount];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Summarize(frame[i]);
        }

        return result;
    }

    /// <summary>Summarizes one column.</summary>
    public static ColumnSummary Summarize(Column column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column switch
        {
            Float64Column floats => Numeric(floats, floats.Values, v => v),
            Int64Column ints => Numeric(ints, ints.Values, v => v),
            DateTimeColumn dates => Dates(dates),
            StringColumn text => Categorical(text),
            BoolColumn bools => Booleans(bools),
            _ => throw new ArgumentException($"Unknown column class {column.GetType().Name}.", nameof(column)),
        };
    }

    private static ColumnSummary Numeric<T>(ValueColumn<T> column, ReadOnlySpan<T> values, Func<T, double> toDouble)
        where T : unmanaged
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var sum = 0.0;
        var n = 0;
        var distinct = new HashSet<T>();
        for (var i = 0; i < values.Length; i++)
        {
            if (column.IsNull(i))
            {
                continue;
            }

            var v = toDouble(values[i]);
            distinct.Add(values[i]);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            n++;
        }

        return n == 0
            ? new ColumnSummary(column.Name, column.Type, column.Length, column.NullCount, 0, null, null, null, [])
            : new ColumnSummary(column.Name, column.Type, column.Length, column.NullCount, distinct.Count, ValueFormat.Format(min), ValueFormat.Format(max), sum / n, []);
    }

    private static ColumnSummary Dates(DateTimeColumn column)
    {
        DateTime? min = null;
        DateTime? max = null;
        var distinct = new HashSet<DateTime>();
        for (var i = 0; i < column.Length; i++)
        {
            if (column.IsNull(i))
            {
                continue;
            }

            var v = column[i];
            distinct.Add(v);
            min = min is null || v < min ? v : min;
            max = max is null || v > max ? v : max;
        }

        return new ColumnSummary(
            column.Name, column.Type, column.Length, column.NullCount, distinct.Count,
            min is { } lo ? ValueFormat.Format(lo) : null, max is { } hi ? ValueFormat.Format(hi) : null, null, []);
    }

    private static ColumnSummary Categorical(StringColumn column)
    {
        var counts = new int[column.Categories.Count];
        foreach (var code in column.Codes)
        {
            if (code >= 0)
            {
                counts[code]++;
            }
        }

        var top = new List<(string Value, int Count)>();
        var distinct = 0;
        for (var c = 0; c < counts.Length; c++)
        {
            if (counts[c] > 0)
            {
                distinct++;
                top.Add((column.Categories[c], counts[c]));
            }
        }

        // Most frequent first; ties in order of first appearance (List.Sort is unstable, so compare positions).
        var order = new Dictionary<string, int>(top.Count, StringComparer.Ordinal);
        for (var i = 0; i < top.Count; i++)
        {
            order[top[i].Value] = i;
        }

        top.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : order[a.Value].CompareTo(order[b.Value]));
        return new ColumnSummary(column.Name, column.Type, column.Length, column.NullCount, distinct, null, null, null, top[..Math.Min(TopCount, top.Count)]);
    }

    private static ColumnSummary Booleans(BoolColumn column)
    {
        var trues = 0;
        var falses = 0;
        for (var i = 0; i < column.Length; i++)
        {
            if (!column.IsNull(i))
            {
                if (column[i])
                {
                    trues++;
                }
                else
                {
                    falses++;
                }
            }
        }

        var top = new List<(string Value, int Count)>();
        if (trues > 0)
        {
            top.Add(("true", trues));
        }

        if (falses > 0)
        {
            top.Insert(falses > trues ? 0 : top.Count, ("false", falses));
        }

        return new ColumnSummary(column.Name, column.Type, column.Length, column.NullCount, top.Count, null, null, null, top);
    }
}
