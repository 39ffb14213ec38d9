namespace ModelOps.Jobs.Datasets;

/// <summary>The defaults of dataset readers and writers, in one place (the options' XML docs state them).</summary>
internal static class DatasetDefaults
{
    /// <summary>The CSV field delimiter.</summary>
    public const char Delimiter = ',';

    /// <summary>The line break written after each CSV row.</summary>
    public const string NewLine = "\n";

    /// <summary>The name used in messages when a stream is read without a source name.</summary>
    public const string StreamSourceName = "<stream>";

    /// <summary>Bytes read from the stream per chunk: big enough to amortise hand-offs, small enough for the cache.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>Bytes buffered by writers before they write to the stream.</summary>
    public const int WriteBufferBytes = 1 << 16;

    /// <summary>How many chunks the tokenizer may run ahead of the column parsers.</summary>
    public const int ChunksInFlight = 3;

    /// <summary>The longest value quoted in an error message before it is shortened.</summary>
    public const int MaxQuotedValueLength = 60;

    /// <summary>The texts read as null: the empty field only.</summary>
    public static readonly IReadOnlyList<string> NullValues = [""];
}
