using ModelOps.Core.Data;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Models;

/// <summary>Reads and checks a target column for training.</summary>
internal static class TargetValues
{
    private const int MaxRowsShown = 5;

    public static double[] Read(Column target, int rowCount, ModelTask task)
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
            throw new TrainingDataException($"The target '{target.Name}' has {Rows(bad)} that are null, NaN or infinite: {Shown(bad, target)}; targets must be finite numbers.");
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
                throw new TrainingDataException($"The target '{target.Name}' has {Rows(bad)} that are not 0 or 1: {Shown(bad, target)}; binary classification needs 0/1 labels.");
            }

            if (!seen0 || !seen1)
            {
                throw new TrainingDataException($"The target '{target.Name}' has only class {(seen0 ? 0 : 1)}; binary classification needs rows of both classes.");
            }
        }

        return values;
    }

    private static double[] FittedStepValues(Column column) => Features.FittedStep.ToDoubles(column);

    private static string Rows(List<int> rows) => rows.Count == 1 ? "1 row" : $"{rows.Count} rows";

    private static string Shown(List<int> rows, Column column)
    {
        var parts = new List<string>();
        for (var i = 0; i < Math.Min(MaxRowsShown, rows.Count); i++)
        {
            parts.Add($"row {rows[i]} = {column.Format(rows[i]) ?? "null"}");
        }

        return string.Join(", ", parts) + (rows.Count > MaxRowsShown ? ", ..." : string.Empty);
    }
}
