using System.Diagnostics;
using ModelOps.Core.Data;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Datasets.Csv;
using ModelOps.Jobs.Datasets.Parquet;
using ModelOps.Jobs.Datasets.Readers;
using ModelOps.Jobs.Schemas;

namespace ModelOps.Jobs.DataChecks;

/// <summary>What <see cref="DataCheck.Run"/> found in one data file.</summary>
/// <param name="Path">The data file.</param>
/// <param name="Schemas">The names of the schemas it passed.</param>
/// <param name="Rows">The number of rows.</param>
/// <param name="Columns">A summary of each column, after coercion to the schemas' types.</param>
/// <param name="ReadTime">The time to read and parse the file.</param>
public sealed record DataCheckResult(string Path, IReadOnlyList<string> Schemas, int Rows, IReadOnlyList<ColumnSummary> Columns, TimeSpan ReadTime);

/// <summary>
/// Reads a CSV (or Parquet) file, checks it against every schema and summarizes each column. The first thing
/// a user runs on new data. CSV columns the schemas list are read as text and coerced by the schemas,
/// so every bad value of every column is reported at once (and codes such as <c>007</c> keep their
/// zeros when the schema says string); Parquet columns are read with their own types and coerced.
/// </summary>
public static class DataCheck
{
    /// <summary>Reads <paramref name="csvPath"/>, checks it against each schema file and summarizes it.</summary>
    /// <exception cref="Configuration.ConfigException">A schema file is missing or invalid.</exception>
    /// <exception cref="DatasetException">The file cannot be read as CSV (or, for <c>.parquet</c>, as Parquet).</exception>
    /// <exception cref="SchemaException">The data breaks a schema; the message lists every violation of every schema.</exception>
    public static DataCheckResult Run(string csvPath, IReadOnlyList<string> schemaPaths)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        ArgumentNullException.ThrowIfNull(schemaPaths);
        var schemas = new List<Schema>(schemaPaths.Count);
        foreach (var path in schemaPaths)
        {
            schemas.Add(SchemaDocument.Load(path));
        }

        var clock = Stopwatch.StartNew();
        Frame frame;
        Func<int, string>? placeOf = null;
        if (Dataset.FormatOf(csvPath) == DatasetFormat.Parquet)
        {
            // Parquet columns are typed already: the schemas check and coerce them as read.
            var places = new ParquetRowPlaces();
            frame = ParquetFrameReader.Read(ParquetReader.Files(csvPath), new ParquetReadOptions(), places, CancellationToken.None);
            placeOf = places.PlaceOf;
        }
        else
        {
            var header = Dataset.ReadCsv(csvPath, new CsvReadOptions { Limit = 0 });
            var asText = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
            foreach (var schema in schemas)
            {
                foreach (var column in schema.ColumnNames)
                {
                    if (header.Contains(column))
                    {
                        asText[column] = ColumnType.String;
                    }
                }
            }

            var lines = new RowLines();
            frame = Dataset.ReadCsv(csvPath, new CsvReadOptions { ColumnTypes = asText }, lines, CancellationToken.None);
            placeOf = lines.PlaceOf;
        }

        var readTime = clock.Elapsed;

        var violations = new List<SchemaViolation>();
        var names = new List<string>(schemas.Count);
        foreach (var schema in schemas)
        {
            frame = schema.Validate(frame, out var found, placeOf);
            violations.AddRange(found);
            names.Add(schema.Name);
        }

        if (violations.Count > 0)
        {
            throw new SchemaException(string.Join(" + ", names), violations, csvPath);
        }

        return new DataCheckResult(csvPath, names, frame.RowCount, ColumnSummary.Summarize(frame), readTime);
    }
}
