using ModelOps.Core.Data;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Schemas;

namespace ModelOps.Jobs.Tests.Schemas;

public sealed class SchemaDocumentTests
{
    [Fact]
    public void Parse_FullColumn_ReadsEveryRule()
    {
        var schema = SchemaDocument.Parse(
            """
            name: s
            strict: true
            columns:
              season: {type: int64, allowed_values: [1, 2], nullable: true, unique: true, coerce: false, required: false, description: d}
              temp: {type: float, minimum: 0, maximum: 1.5}
              day: datetime
            """,
            "s.yaml");

        Assert.Equal("s", schema.Name);
        Assert.True(schema.Strict);
        Assert.Equal(
            new ColumnSchema("season", ColumnType.Int64)
            {
                AllowedValues = schema.Columns[0].AllowedValues,
                Nullable = true,
                Unique = true,
                Coerce = false,
                Required = false,
                Description = "d",
            },
            schema.Columns[0]);
        Assert.Equal(["1", "2"], schema.Columns[0].AllowedValues!);
        Assert.Equal(new ColumnSchema("temp", ColumnType.Float64) { Minimum = 0, Maximum = 1.5 }, schema.Columns[1]);
        Assert.Equal(new ColumnSchema("day", ColumnType.DateTime), schema.Columns[2]);
    }

    [Fact]
    public void Parse_Json_IsAccepted()
    {
        var schema = SchemaDocument.Parse("""{"columns": {"x": {"type": "int64", "minimum": 0}}}""", "s.json", "fallback");

        Assert.Equal("fallback", schema.Name);
        Assert.Equal(0, schema.Columns[0].Minimum);
    }

    [Fact]
    public void Parse_SeveralMistakes_ListsEachWithLineAndPath()
    {
        var error = Assert.Throws<ConfigException>(() => SchemaDocument.Parse(
            """
            name: s
            strcit: true
            columns:
              season: {type: int64, maxmum: 4}
              temp: {type: flaot}
              hum: {minimum: abc, type: float64}
              wind: {nullable: maybe}
              cnt: [1, 2]
            """,
            "bike.yaml"));

        Assert.Equal(
            "6 config problems:\n" +
            "  - bike.yaml:2: strcit: unknown field, did you mean strict?\n" +
            "  - bike.yaml:4: columns.season.maxmum: unknown field, did you mean maximum?\n" +
            "  - bike.yaml:5: columns.temp.type: unknown type 'flaot', expected one of float64, int64, bool, string, datetime\n" +
            "  - bike.yaml:6: columns.hum.minimum: expected a number, found 'abc'\n" +
            "  - bike.yaml:7: columns.wind: missing field 'type' (one of float64, int64, bool, string, datetime)\n" +
            "  - bike.yaml:8: columns.cnt: expected a mapping (key: value lines), found a list",
            error.Message);
    }

    [Fact]
    public void Parse_YamlSyntaxError_NamesLine()
    {
        var error = Assert.Throws<ConfigException>(() => SchemaDocument.Parse("columns:\n  x: {type: int64\n", "broken.yaml"));

        Assert.StartsWith("broken.yaml:3: YAML syntax error at column 1: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoColumns_SaysSo()
    {
        var error = Assert.Throws<ConfigException>(() => SchemaDocument.Parse("name: s", "s.yaml"));

        Assert.Equal("s.yaml:1: missing field 'columns'", error.Message);
    }

    [Fact]
    public void Parse_ContradictoryRules_ReportsSchemaProblem()
    {
        var error = Assert.Throws<ConfigException>(() => SchemaDocument.Parse("columns:\n  x: {type: int64, minimum: 3, maximum: 1}", "s.yaml"));

        Assert.Equal("s.yaml:2: columns: Schema 's.yaml' is invalid: column 'x': minimum 3 is above maximum 1.", error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var error = Assert.Throws<ConfigException>(() => SchemaDocument.Load("no/such/schema.yaml"));

        Assert.Equal("no/such/schema.yaml: schema file not found", error.Message);
    }

    [Theory]
    [InlineData("bike_inputs", 16)]
    [InlineData("bike_target", 1)]
    [InlineData("credit_inputs", 21)]
    [InlineData("credit_target", 1)]
    public void Load_ShippedSchemas_Parse(string name, int columns)
    {
        var schema = SchemaDocument.Load(RepoPaths.Combine("configs", "schemas", name + ".yaml"));

        Assert.Equal(name, schema.Name);
        Assert.Equal(columns, schema.Columns.Count);
    }

    [Fact]
    public void BikeInputs_OutOfRangeValues_AreReported()
    {
        var schema = SchemaDocument.Load(RepoPaths.Combine("configs", "schemas", "bike_inputs.yaml")).Columns
            .Where(c => c.Name is "season" or "temp" or "hr")
            .ToArray();
        var bike = new Schema("bike_inputs", schema);
        var frame = new Frame(
            new Int64Column("season", [1L, 5L]),
            new Float64Column("temp", [1.7, 0.5]),
            new Int64Column("hr", [24L, 23L]));

        var error = Assert.Throws<SchemaException>(() => bike.Check(frame));

        Assert.Equal(
            "Schema 'bike_inputs' failed with 3 violations:\n" +
            "  - column 'season': allowed values [1, 2, 3, 4]: 1 row, first: row 1 = 5\n" +
            "  - column 'hr': maximum 23: 1 row, first: row 0 = 24\n" +
            "  - column 'temp': maximum 1: 1 row, first: row 0 = 1.7",
            error.Message);
    }
}
