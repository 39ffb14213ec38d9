using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Checks shared by the options records, and the one exception that lists every problem of options
/// or of a reader or writer config (<see cref="DatasetSettings"/>).
/// </summary>
internal static class OptionsValidation
{
    /// <summary>Throws one <see cref="ArgumentException"/> listing <paramref name="problems"/>, if any: <c>Invalid {type}: a; b.</c></summary>
    public static void ThrowIfAny(IReadOnlyList<string> problems, string typeName, string? paramName)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {typeName}: {string.Join("; ", problems)}.", paramName);
        }
    }

    /// <summary>Whether <paramref name="delimiter"/> can separate CSV fields: one ASCII character other than a double quote, CR or LF.</summary>
    public static bool IsDelimiter(char delimiter) => delimiter is not ('"' or '\r' or '\n') && char.IsAscii(delimiter);

    /// <summary>Checks the CSV field delimiter (see <see cref="IsDelimiter"/>).</summary>
    public static void CheckDelimiter(List<string> problems, char delimiter)
    {
        if (!IsDelimiter(delimiter))
        {
            problems.Add($"Delimiter must be one ASCII character other than a double quote, CR or LF, not U+{(int)delimiter:X4}");
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
