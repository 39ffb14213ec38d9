using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets.JsonLines;

/// <summary>How a JSON lines file (one JSON object per line, UTF-8) is read.</summary>
public sealed record JsonLinesReadOptions
{
    /// <summary>
    /// Types of named keys. A value that does not fit its key's type is an error (int64 takes integers,
    /// float64 any number, bool <c>true</c>/<c>false</c>, datetime ISO 8601 strings, string any scalar).
    /// Keys not listed are inferred: integers give int64, other numbers float64, <c>true</c>/<c>false</c>
    /// bool, strings string (datetime when every one is an ISO 8601 date); mixed integers and other
    /// numbers give float64, other mixes string.
    /// </summary>
    /// <value>Default <see langword="null"/>: every key is inferred.</value>
    public IReadOnlyDictionary<string, ColumnType>? ColumnTypes { get; init; }

    /// <summary>The keys to read, in the order of the result; other keys are skipped unchecked.</summary>
    /// <value>Default <see langword="null"/>: every key, in the order first seen.</value>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The most objects (non-blank lines) to read.</summary>
    /// <value>Default <see langword="null"/>: every line.</value>
    public int? Limit { get; init; }

    /// <summary>The name of the input in error messages.</summary>
    /// <value>Default <see langword="null"/>: the file path when reading a path, else <c>&lt;stream&gt;</c>.</value>
    public string? SourceName { get; init; }

    /// <summary>Bytes read from the stream at a time; tests make it small to split lines across reads.</summary>
    internal int ChunkBytes { get; init; } = DatasetDefaults.ChunkBytes;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        OptionsValidation.CheckColumns(problems, ColumnTypes, Columns, Limit);
        if (ChunkBytes < 16)
        {
            problems.Add("ChunkBytes must be 16 or more");
        }

        OptionsValidation.ThrowIfAny(problems, nameof(JsonLinesReadOptions), "options");
    }
}
