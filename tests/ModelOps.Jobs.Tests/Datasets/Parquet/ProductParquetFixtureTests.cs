using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Data;
using ModelOps.Jobs.Datasets;

namespace ModelOps.Jobs.Tests.Datasets.Parquet;

/// <summary>
/// The product's own Parquet file that DuckDB reads back (tests/fixtures/parquet/generate.sh runs
/// <c>generate_parquet.mjs --check product/types.parquet product/types.expected.json</c>): the committed file must be
/// exactly what the writer writes today. <c>MODELOPS_WRITE_FIXTURES=1</c> rewrites it and its expected values.
/// </summary>
public sealed class ProductParquetFixtureTests
{
    /// <summary>The columns of DuckDB's types.parquet that the product writes, with the frame type each has.</summary>
    private static readonly (string Name, ColumnType Type)[] Written =
        [("i64", ColumnType.Int64), ("f64", ColumnType.Float64), ("flag", ColumnType.Bool), ("s_plain", ColumnType.String), ("s_dict", ColumnType.String), ("ts_tz", ColumnType.DateTime)];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "parquet", name);

    [Fact]
    public void ProductTypesFile_IsExactlyWhatTheWriterWritesToday()
    {
        var expected = (JsonObject)JsonNode.Parse(File.ReadAllText(Fixture("types.expected.json")))!;
        var columns = ((JsonArray)expected["columns"]!).Select(c => (JsonObject)c!).ToDictionary(c => (string)c["name"]!);
        var frame = new Frame(Written.Select(w => ColumnOf(w.Name, w.Type, (JsonArray)columns[w.Name]["values"]!)));
        var written = Path.Combine(Path.GetTempPath(), $"modelops-product-{Guid.NewGuid():N}.parquet");
        try
        {
            Dataset.WriteParquet(written, frame);
            if (Environment.GetEnvironmentVariable("MODELOPS_WRITE_FIXTURES") == "1")
            {
                var folder = Path.Combine(RepoRoot(), "tests", "fixtures", "parquet", "product");
                Directory.CreateDirectory(folder);
                File.Copy(written, Path.Combine(folder, "types.parquet"), overwrite: true);
                var subset = new JsonObject
                {
                    ["description"] = "The values of product/types.parquet, written by the product's ParquetWriter from these columns of types.expected.json (ProductParquetFixtureTests); generate.sh reads it back with DuckDB.",
                    ["file"] = "product/types.parquet",
                    ["rows"] = frame.RowCount,
                    ["columns"] = new JsonArray([.. Written.Select(w => (JsonNode)new JsonObject { ["name"] = w.Name, ["values"] = columns[w.Name]["values"]!.DeepClone() })]),
                };
                File.WriteAllText(Path.Combine(folder, "types.expected.json"), subset.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            }

            Assert.Equal(File.ReadAllBytes(Fixture("product/types.parquet")), File.ReadAllBytes(written));
        }
        finally
        {
            File.Delete(written);
        }
    }

    private static Column ColumnOf(string name, ColumnType type, JsonArray values)
    {
        var builder = ColumnBuilder.Create(type);
        foreach (var value in values)
        {
            if (value is null)
            {
                builder.AppendNull();
                continue;
            }

            switch (builder)
            {
                case Int64ColumnBuilder longs:
                    longs.Append(value.GetValue<long>());
                    break;
                case Float64ColumnBuilder floats:
                    floats.Append(value.GetValueKind() == JsonValueKind.String ? double.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture) : value.GetValue<double>());
                    break;
                case BoolColumnBuilder bools:
                    bools.Append(value.GetValue<bool>());
                    break;
                case StringColumnBuilder strings:
                    strings.Append(value.GetValue<string>());
                    break;
                case DateTimeColumnBuilder dates:
                    dates.Append(DateTime.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
                    break;
            }
        }

        return builder.Build(name);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOps.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ModelOps.slnx not found");
    }
}
