using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Datasets.Writers;

namespace ModelOps.Jobs.Datasets;

/// <summary>Registers the dataset readers and writers as config kinds.</summary>
public static class DatasetKinds
{
    /// <summary>
    /// Registers <c>CsvReader</c>, <c>JsonLinesReader</c>, <c>SqlReader</c> and <c>ParquetReader</c> as kinds of <see cref="DatasetReader"/>,
    /// <c>CsvWriter</c>, <c>JsonLinesWriter</c>, <c>SqlWriter</c> and <c>ParquetWriter</c> as kinds of <see cref="DatasetWriter"/>, and their
    /// checks (<see cref="DatasetSettings.Validate"/>: limit at least 1, non-empty paths, valid connections and
    /// table names), reported at the node's config path.
    /// </summary>
    public static ConfigKinds AddDatasets(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds
            .Add<DatasetReader, CsvReader>(nameof(CsvReader))
            .Add<DatasetReader, JsonLinesReader>(nameof(JsonLinesReader))
            .Add<DatasetReader, SqlReader>(nameof(SqlReader))
            .Add<DatasetReader, ParquetReader>(nameof(ParquetReader))
            .Add<DatasetReader, GroupLogReader>(nameof(GroupLogReader))
            .Add<DatasetWriter, CsvWriter>(nameof(CsvWriter))
            .Add<DatasetWriter, JsonLinesWriter>(nameof(JsonLinesWriter))
            .Add<DatasetWriter, SqlWriter>(nameof(SqlWriter))
            .Add<DatasetWriter, ParquetWriter>(nameof(ParquetWriter))
            .AddCheck<DatasetSettings>(settings => settings.Validate());
    }
}
