using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets;

/// <summary>Checks shared by the options records; every problem is listed in one exception.</summary>
internal static class OptionsValidation
{
    /// <summary>Throws one <see cref="ArgumentException"/> listing <paramref name="problems"/>, if any.</summary>
    public static void ThrowIfAny(List<string> problems, string typeName, string paramName)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {typeName}: {string.Join("; ", problems)}.", paramName);
        }
    }

    /// <summary>Checks the column types, the column selection and the row limit.</summary>
    public static void CheckColumns(
        List<string> problems,
        IReadOnlyDictionary<string, ColumnType>? columnTypes,
        IReadOnlyList<string>? columns,
        int? limit)
    {
        if (limit < 0)
        {
            problems.Add($"Limit must be 0 or more, not {limit}");
        }

        if (columnTypes is not null)
        {
            foreach (var (name, type) in columnTypes)
            {
                if (string.IsNullOrEmpty(name))
                {
                    problems.Add("ColumnTypes has an empty column name");
                }

                if (!Enum.IsDefined(type))
                {
                    problems.Add($"ColumnTypes['{name}'] is {(int)type}, not one of {ColumnTypeNames.Accepted}");
                }
            }
        }

        if (columns is not null)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in columns)
            {
                if (string.IsNullOrEmpty(name))
                {
                    problems.Add("Columns has a null or empty name");
                }
                else if (!seen.Add(name))
                {
                    problems.Add($"Columns names '{name}' more than once");
                }
            }
        }
    }
}
