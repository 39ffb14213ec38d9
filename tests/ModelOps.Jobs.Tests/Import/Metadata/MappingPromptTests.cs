using System.Text;
using System.Text.Json;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

/// <summary>
/// The text the LLM is sent. The loop itself (answers, retries, the final error) is tested through a real OpenAI client
/// against the hub tests' local LLM stub server.
/// </summary>
public sealed class MappingPromptTests
{
    [Fact]
    public void Request_CarriesTheSchemaTheDialectTheDeterministicSpecItsOutcomeAndTheBoundedSample()
    {
        var points = string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"{{\"fpr\": {i / 5000.0}, \"tpr\": 1}}"));
        var source = $$"""{"model_name": "m", "model_performance": {"accuracy": "high"}, "curve": [{{points}}]}""";
        using var document = JsonDocument.Parse(source);
        var options = new MetadataImportOptions();
        var spec = DeterministicMapper.Propose(document.RootElement);
        var result = MappingApplier.Apply(document.RootElement, spec);

        var request = MappingPrompt.Request("run.json", spec, result, ModelMetadataSchema.Validate(result.Mapped), SourceSample.Build(document.RootElement, options), options);

        Assert.StartsWith("Map the file \"run.json\" to the ModelOps model-metadata schema.", request, StringComparison.Ordinal);
        Assert.Contains(ModelMetadataSchema.Text, request, StringComparison.Ordinal);
        Assert.Contains(MappingPrompt.Dialect, request, StringComparison.Ordinal);
        Assert.Contains(spec.ToJson(), request, StringComparison.Ordinal);
        Assert.Contains("""{"model_name":"m","model_performance":{"accuracy":"high"},"curve":[{"fpr":0,"tpr":1},{"fpr":0.0002,"tpr":1},{"fpr":0.0004,"tpr":1},"… 4,997 more items"]}""", request, StringComparison.Ordinal);
        Assert.EndsWith("Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.", request, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_ListRuleProblemsAndValidationErrorsWithTheirInstancePaths()
    {
        var proposal = MetadataImport.Apply(
            Encoding.UTF8.GetBytes("""{"name": "m", "perf": {"acc": "91%"}}"""),
            "m.json",
            new MappingSpec([new MappingRule("$.name", "name"), new MappingRule("$.perf.acc", "metrics.accuracy"), new MappingRule("$.perf.f1", "metrics.f1")]));

        var feedback = MappingPrompt.Problems(proposal.Problems, proposal.Errors);

        Assert.Equal(
            """
            Your spec was applied to the file. It gives:
            Rule problems (rules[i] is the i-th rule, from 0):
            - rules[2]: $.perf.f1 does not exist ($.perf has acc)
            Validation errors of the mapped metadata (JSON Pointer instance paths):
            - /metrics/accuracy: must be a number, got string "91%"
            Answer with the whole corrected spec as one JSON object {"rules": [...]}, nothing else.
            """,
            feedback.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void NotASpec_SaysWhyAndAsksForTheSpecAgain()
    {
        Assert.Equal(
            "Your answer is not a mapping spec: it is not JSON (line 1, byte 1: 'I' is an invalid start of a value). Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.",
            MappingPrompt.NotASpec("it is not JSON (line 1, byte 1: 'I' is an invalid start of a value)"));
    }

    [Fact]
    public void Problems_ManyErrors_ListsTheFirstFiftyAndCountsTheRest()
    {
        var errors = Enumerable.Range(0, 100_000).Select(i => new MetadataValidationError($"/charts/roc/{i}/tpr", "must be at most 1, got 87.5")).ToList();

        var text = MappingPrompt.Problems([], errors);

        var lines = text.Split('\n');
        Assert.Equal(MappingPrompt.MaxListed, lines.Count(l => l.StartsWith("- /charts/roc/", StringComparison.Ordinal)));
        Assert.Contains("- /charts/roc/49/tpr: must be at most 1, got 87.5", lines);
        Assert.Contains("- ... and 99,950 more of the same kinds", lines);
        Assert.True(text.Length < 5_000, $"{text.Length} characters");
    }
}
