using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.Csv;

/// <summary>How a CSV file is read (RFC 4180, header row required, invariant culture, UTF-8).</summary>
public sealed record CsvReadOptions
{
    /// <summary>The field delimiter: one ASCII character other than a double quote, CR or LF.</summary>
    /// <value>Default <c>','</c>.</value>
    public char Delimiter { get; init; } = DatasetDefaults.Delimiter;

    /// <summary>
    /// Types of named columns. A value of a listed column that does not parse as its type is an error;
    /// columns not listed are inferred: int64 when every non-null value is an integer, else float64 when
    /// every one parses as a double, else bool for <c>true</c>/<c>false</c> (any case), else datetime for
    /// ISO 8601 (<c>yyyy-MM-dd</c>, <c>yyyy-MM-ddTHH:mm:ss[.fffffff][Z]</c>), else string. A column
    /// without any non-null value is a string column of nulls.
    /// </summary>
    /// <value>Default <see langword="null"/>: every column is inferred.</value>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    /// <summary>
    /// Unquoted field texts read as null (compared exactly). A quoted field is never null, so <c>""</c>
    /// is an empty string.
    /// </summary>
    /// <value>Default: the empty string only.</value>
    public IReadOnlyList<string> NullValues { get; init; } = DatasetDefaults.NullValues;

    /// <summary>The most data rows to read; later rows are not read (nor checked).</summary>
    /// <value>Default <see langword="null"/>: every row.</value>
    public int? Limit { get; init; }

    /// <summary>The columns to read, in the order of the result; the others are skipped (their fields are still counted).</summary>
    /// <value>Default <see langword="null"/>: every column, in file order.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The name of the input in error messages.</summary>
    /// <value>Default <see langword="null"/>: the file path when reading a path, else <c>&lt;stream&gt;</c>.</value>
    public string? SourceName { get; init; }

    /// <summary>Bytes per chunk; tests make it small to cross chunk boundaries often.</summary>
    internal int ChunkBytes { get; init; } = DatasetDefaults.ChunkBytes;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        OptionsValidation.CheckDelimiter(problems, Delimiter);
        if (NullValues is null)
        {
            problems.Add("NullValues must not be null (use an empty list for no null markers)");
        }
        else
        {
            foreach (var value in NullValues)
            {
                if (value is null)
                {
                    problems.Add("NullValues has a null entry");
                }
            }
        }

        OptionsValidation.CheckColumns(problems, ColumnTypes, Columns, Limit);
        if (ChunkBytes < 16)
        {
            problems.Add("ChunkBytes must be 16 or more");
        }

        OptionsValidation.ThrowIfAny(problems, nameof(CsvReadOptions), "options");
    }
}
