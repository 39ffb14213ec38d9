namespace ModelOps.Jobs.Datasets;

/// <summary>
/// The content of a dataset cannot be read as asked: malformed text (an unterminated quote, a row with
/// the wrong number of fields, malformed JSON, a line that is not an object), a value that does not
/// parse as its column's given type, an empty file, or a requested column that is not there.
/// </summary>
/// <remarks>
/// The message is meant for the user as is: it names the source (the file path or the source name
/// given in the options), the 1-based physical line (counting line breaks inside quoted fields) and the
/// column where they are known, e.g. <c>hour.csv line 18, column 'temp': 'abc' is not a float64</c>.
/// Misuse of the API (a null argument, invalid options) raises ordinary <see cref="ArgumentException"/>s
/// and I/O failures raise <see cref="IOException"/>s; neither is wrapped in this type.
/// </remarks>
public sealed class DatasetException : Exception
{
    /// <summary>An exception with a generic message.</summary>
    public DatasetException()
        : base("The dataset could not be read.")
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public DatasetException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public DatasetException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal DatasetException(string message, string sourceName, long? line, string? column, Exception? innerException = null)
        : base(message, innerException)
    {
        SourceName = sourceName;
        Line = line;
        Column = column;
    }

    /// <summary>The file path or source name the error is about, when known.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based physical line of the error, when it is about one line.</summary>
    public long? Line { get; }

    /// <summary>The column (CSV) or key (JSON lines) the error is about, when it is about one.</summary>
    public string? Column { get; }

    /// <summary>A value as quoted in messages: at most <see cref="DatasetDefaults.MaxQuotedValueLength"/> characters.</summary>
    internal static string Shorten(string value) =>
        value.Length <= DatasetDefaults.MaxQuotedValueLength ? value : string.Concat(value.AsSpan(0, DatasetDefaults.MaxQuotedValueLength - 3), "...");
}
