using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class MappingSpecTests
{
    [Fact]
    public void Parse_FullRule_ReadsEveryMemberAndWritesItBack()
    {
        const string json = """
            {
              "rules": [
                {
                  "source": "$.features",
                  "target": "features[].name",
                  "transform": "split_list",
                  "delimiter": ";"
                },
                {
                  "source": "$.metrics",
                  "target": "metrics",
                  "transform": "none",
                  "name_field": "key",
                  "value_field": "value"
                }
              ]
            }
            """;

        var spec = MappingSpec.Parse(json);

        Assert.Equal(new MappingRule("$.features", "features[].name", MappingTransform.SplitList) { Delimiter = ";" }, spec.Rules[0]);
        Assert.Equal(new MappingRule("$.metrics", "metrics") { NameField = "key", ValueField = "value" }, spec.Rules[1]);
        Assert.Equal(json.ReplaceLineEndings("\n"), spec.ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(spec, MappingSpec.Parse(spec.ToJson()));
    }

    [Fact]
    public void Parse_TransformLeftOut_IsNone()
    {
        var spec = MappingSpec.Parse("""{"rules": [{"source": "$.a", "target": "name"}]}""");

        Assert.Equal(MappingTransform.None, Assert.Single(spec.Rules).Transform);
        Assert.Equal("$.a -> name", spec.Rules[0].ToString());
    }

    [Theory]
    [InlineData("Sure! Here is the spec:", "The mapping spec is invalid: it is not JSON (line 1, byte 1: 'S' is an invalid start of a value)")]
    [InlineData("""[{"source": "$.a", "target": "name"}]""", "The mapping spec is invalid: it is a JSON array; a spec is an object {\"rules\": [...]}")]
    [InlineData("""{"mapping": []}""", "The mapping spec is invalid: it has no \"rules\" array; a spec is an object {\"rules\": [{\"source\": \"$...\", \"target\": \"...\", \"transform\": \"none\"}]}")]
    public void Parse_NotASpec_SaysWhatItIs(string json, string message)
    {
        var error = Assert.Throws<MetadataImportException>(() => MappingSpec.Parse(json));

        Assert.Equal(MetadataImportErrorKind.InvalidSpec, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_BadRules_ListsEveryProblemAtOnce()
    {
        var error = Assert.Throws<MetadataImportException>(() => MappingSpec.Parse("""
            {"rules": [
              {"source": "$.a", "target": "name", "transfrom": "none"},
              {"target": "name"},
              {"source": "$.b", "target": "metrics.accuracy", "transform": "percent"},
              {"source": 3, "target": "name"},
              "name"
            ], "notes": "x"}
            """));

        Assert.Equal(
            "The mapping spec is invalid: unknown member 'notes' (a spec has only \"rules\"); " +
            "rules[0]: unknown member 'transfrom', did you mean transform?; a rule has source, target, transform, delimiter, name_field, value_field; " +
            "rules[1]: \"source\" is missing; " +
            "rules[2].transform: unknown transform 'percent'; transforms: none, scale_percent, text_to_number, split_list, keys, values, column_type, task_name; " +
            "rules[3].source: expected a string, got 3; " +
            "rules[4]: expected an object {\"source\", \"target\", \"transform\"}, got \"name\"",
            error.Message);
    }
}
