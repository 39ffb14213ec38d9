using ModelOps.Core.Data;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Models;

/// <summary>Reads and checks a target column for training.</summary>
internal static class TargetValues
{
    private const int MaxRowsShown = 5;

    /// <summary>The target's values as numbers, checked for <paramref name="task"/>.</summary>
    /// <param name="target">The target column.</param>
    /// <param name="rowCount">The inputs' row count, which the target must have.</param>
    /// <param name="task">What the model does: a classifier needs 0/1 labels of both classes.</param>
    /// <param name="placeOf">For a column read from a file, where in it a 0-based row is (<c>line 18</c>): messages then name that place, not the row.</param>
    /// <exception cref="TrainingDataException">The target is empty, of another length, not numeric, or breaks the task's rule.</exception>
    public static double[] Read(Column target, int rowCount, ModelTask task, Func<int, string>? placeOf = null)
    {
        if (rowCount == 0)
        {
            throw new TrainingDataException("The training set is empty: a model needs at least one row.");
        }

        if (target.Length != rowCount)
        {
            throw new TrainingDataException($"The target '{target.Name}' has {target.Length} rows but the inputs have {rowCount}.");
        }

        double[] values;
        try
        {
            values = FittedStepValues(target);
        }
        catch (ArgumentException)
        {
            throw new TrainingDataException($"The target '{target.Name}' is {target.Type.ToName()}; a target must be float64, int64 or bool.");
        }

        var bad = new List<int>();
        for (var i = 0; i < values.Length; i++)
        {
            if (target.IsNull(i) || !double.IsFinite(values[i]))
            {
                bad.Add(i);
            }
        }

        if (bad.Count > 0)
        {
            throw new TrainingDataException($"The target '{target.Name}' has {RowsThat(bad)} null, NaN or infinite: {Shown(bad, target, placeOf)}; targets must be finite numbers.");
        }

        if (task == ModelTask.BinaryClassification)
        {
            var seen0 = false;
            var seen1 = false;
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] == 0)
                {
                    seen0 = true;
                }
                else if (values[i] == 1)
                {
                    seen1 = true;
                }
                else
                {
                    bad.Add(i);
                }
            }

            if (bad.Count > 0)
            {
                throw new TrainingDataException($"The target '{target.Name}' has {RowsThat(bad)} not 0 or 1: {Shown(bad, target, placeOf)}; binary classification needs 0/1 labels.");
            }

            if (!seen0 || !seen1)
            {
                throw new TrainingDataException($"The target '{target.Name}' has only class {(seen0 ? 0 : 1)}; binary classification needs rows of both classes.");
            }
        }

        return values;
    }

    private static double[] FittedStepValues(Column column) => Features.FittedStep.ToDoubles(column);

    private static string RowsThat(List<int> rows) => rows.Count == 1 ? "1 row that is" : $"{rows.Count} rows that are";

    private static string Shown(List<int> rows, Column column, Func<int, string>? placeOf)
    {
        var parts = new List<string>();
        for (var i = 0; i < Math.Min(MaxRowsShown, rows.Count); i++)
        {
            var where = placeOf is null ? $"row {rows[i]}" : placeOf(rows[i]);
            parts.Add($"{where} = {column.Format(rows[i]) ?? "null"}");
        }

        return string.Join(", ", parts) + (rows.Count > MaxRowsShown ? ", ..." : string.Empty);
    }
}
