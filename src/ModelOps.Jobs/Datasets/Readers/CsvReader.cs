using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets.Csv;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Reads a CSV file (<c>KIND: CsvReader</c>) with <see cref="Dataset.ReadCsv(Stream, CsvReadOptions?, CancellationToken)"/>:
/// RFC 4180, header row, types inferred unless <see cref="ColumnTypes"/> names them (see <c>docs/datasets.md</c>).
/// </summary>
public sealed record CsvReader : DatasetReader
{
    /// <summary>The file to read, relative to the current directory.</summary>
    public required string Path { get; init; }

    /// <summary>The columns to read, in the order of the frame.</summary>
    /// <value>Default <see langword="null"/>: every column, in file order.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Types of named columns (<c>float64</c>, <c>int64</c>, <c>bool</c>, <c>string</c>, <c>datetime</c>); the others are inferred.</summary>
    /// <value>Default <see langword="null"/>: every column is inferred.</value>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    /// <summary>Unquoted field texts read as null.</summary>
    /// <value>Default <see langword="null"/>: the empty field only.</value>
    public IReadOnlyList<string>? NullValues { get; init; }

    /// <summary>The field delimiter: one ASCII character other than a double quote, CR or LF.</summary>
    /// <value>Default <see langword="null"/>: <c>,</c>.</value>
    public string? Delimiter { get; init; }

    /// <inheritdoc/>
    public override Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default) =>
        ReadFileAsync(Path, (stream, lines, token) => CsvFrameReader.Read(stream, Options(), Path, lines, token), cancellationToken);

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        CheckPath(problems, Path);
        CheckColumns(problems, Columns, ColumnTypes);
        if (NullValues?.Contains(null!) == true)
        {
            problems.Add("null_values: has a null entry");
        }

        if (Delimiter is not null && (Delimiter is not [var delimiter] || !OptionsValidation.IsDelimiter(delimiter)))
        {
            problems.Add($"delimiter: must be one ASCII character other than a double quote, CR or LF, not '{Delimiter}'");
        }
    }

    private CsvReadOptions Options() => new()
    {
        Columns = Columns,
        ColumnTypes = ColumnTypes,
        NullValues = NullValues ?? new CsvReadOptions().NullValues,
        Delimiter = Delimiter is [var delimiter] ? delimiter : DatasetDefaults.Delimiter,
        Limit = RowLimit,
    };
}
