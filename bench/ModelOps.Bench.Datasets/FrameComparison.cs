using ModelOps.Core.Data;

namespace ModelOps.Bench;

/// <summary>Compares two frames cell by cell: names, types, nulls and values.</summary>
internal static class FrameComparison
{
    /// <summary>
    /// The cells that differ (and the first few described in <paramref name="first"/>). Columns named in
    /// <paramref name="singles"/> held float32 values: they are compared after rounding to float32 (a CSV holds a
    /// float's shortest text, which parses to another double than the float's own value). Date-times compare by their
    /// ticks, and by their kind too when <paramref name="kinds"/> is set. String columns must also list the same
    /// categories in the same order (the order of first appearance, which encodings such as one-hot follow).
    /// </summary>
    public static long Mismatches(Frame expected, Frame actual, IReadOnlySet<string> singles, bool kinds, List<string> first)
    {
        long mismatches = 0;
        void Report(string what)
        {
            mismatches++;
            if (first.Count < 10)
            {
                first.Add(what);
            }
        }

        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount)
        {
            Report($"shape {expected.RowCount} x {expected.ColumnCount} against {actual.RowCount} x {actual.ColumnCount}");
            return mismatches;
        }

        for (var c = 0; c < expected.ColumnCount; c++)
        {
            Column a = expected[c], b = actual[c];
            if (a.Name != b.Name || a.Type != b.Type)
            {
                Report($"column {c}: {a.Name} {a.Type.ToName()} against {b.Name} {b.Type.ToName()}");
                continue;
            }

            if (a is StringColumn sa && b is StringColumn sb && !sa.Categories.SequenceEqual(sb.Categories, StringComparer.Ordinal))
            {
                Report($"{a.Name}: categories differ ({sa.Categories.Count} against {sb.Categories.Count}, or in another order)");
            }

            for (var row = 0; row < a.Length; row++)
            {
                var same = a.IsNull(row) == b.IsNull(row) && (a.IsNull(row) || (a, b) switch
                {
                    (Float64Column x, Float64Column y) when singles.Contains(a.Name) => (float)x[row] == (float)y[row],
                    (Float64Column x, Float64Column y) => x[row].Equals(y[row]),
                    (Int64Column x, Int64Column y) => x[row] == y[row],
                    (BoolColumn x, BoolColumn y) => x[row] == y[row],
                    (StringColumn x, StringColumn y) => string.Equals(x[row], y[row], StringComparison.Ordinal),
                    (DateTimeColumn x, DateTimeColumn y) => x[row].Ticks == y[row].Ticks && (!kinds || x[row].Kind == y[row].Kind),
                    _ => false,
                });
                if (!same)
                {
                    Report($"{a.Name} row {row}: {a.Format(row) ?? "null"} against {b.Format(row) ?? "null"}");
                }
            }
        }

        return mismatches;
    }
}
