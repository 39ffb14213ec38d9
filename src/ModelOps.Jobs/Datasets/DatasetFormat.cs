namespace ModelOps.Jobs.Datasets;

/// <summary>A file format of datasets.</summary>
public enum DatasetFormat
{
    /// <summary>Comma-separated values (RFC 4180) with a header row; extension <c>.csv</c>.</summary>
    Csv,

    /// <summary>One JSON object per line; extensions <c>.jsonl</c> and <c>.ndjson</c>.</summary>
    JsonLines,

    /// <summary>Apache Parquet, columnar and typed; extension <c>.parquet</c>.</summary>
    Parquet,
}
