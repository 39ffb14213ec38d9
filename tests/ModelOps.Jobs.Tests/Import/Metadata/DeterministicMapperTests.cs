using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class DeterministicMapperTests
{
    [Fact]
    public void Propose_SynonymsOfMetricsAndFeatures_AreFoundUnderTheirOtherNames()
    {
        var spec = Propose("""{"name": "m", "perf": {"Acc": 0.9}, "evaluation": {"AUROC": 0.8}, "vars": ["a", "b"]}""");

        Assert.Equal(
            """
            $.name -> name
            $.vars -> features[].name
            $.perf.Acc -> metrics.accuracy
            $.evaluation.AUROC -> metrics.roc_auc

            """,
            spec.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("91.2", "scale_percent")]
    [InlineData("\"91.2%\"", "scale_percent")]
    [InlineData("\"0.912\"", "text_to_number")]
    [InlineData("\"91.2\"", "scale_percent")]
    [InlineData("0.912", "none")]
    [InlineData("1", "none")]
    public void Propose_PercentageOfAFractionMetric_IsScaled(string accuracy, string transform)
    {
        var spec = Propose($$$"""{"metrics": {"accuracy": {{{accuracy}}}, "rmse": 91.2}}""");

        Assert.Equal(transform, MappingTransforms.Name(spec.Rules.Single(r => r.Target == "metrics.accuracy").Transform));
        Assert.Equal(MappingTransform.None, spec.Rules.Single(r => r.Target == "metrics.rmse").Transform);
    }

    [Fact]
    public void Propose_ObjectOfTypesByName_GivesNamesAndTypes()
    {
        const string json = """{"name": "m", "columns": {"age": "int64", "income": "float", "city": "object", "joined": "datetime64[ns]"}}""";

        var proposal = MetadataImport.Apply(Encoding.UTF8.GetBytes(json), "m.json", Propose(json));

        Assert.Equal(
            [new FeatureMetadata("age") { Type = ColumnType.Int64 }, new FeatureMetadata("income") { Type = ColumnType.Float64 }, new FeatureMetadata("city") { Type = ColumnType.String }, new FeatureMetadata("joined") { Type = ColumnType.DateTime }],
            proposal.Metadata!.Features);
    }

    [Fact]
    public void Propose_ListOfMetricObjects_IsOneRuleWithItsFields()
    {
        var spec = Propose("""{"run": {"data": {"metrics": [{"key": "val_auc", "value": 0.81, "step": 3}, {"key": "rmse", "value": 2.5, "step": 3}]}}}""");

        Assert.Equal(new MappingRule("$.run.data.metrics", "metrics") { NameField = "key", ValueField = "value" }, Assert.Single(spec.Rules));
    }

    [Fact]
    public void Propose_MatrixWithLabelsBeside_MapsBoth()
    {
        var spec = Propose("""{"evaluation": {"classes": ["no", "yes"], "confusion_matrix": [[50, 5], [7, 38]]}}""");

        Assert.Equal(
            [new MappingRule("$.evaluation.classes", "charts.confusion_matrix.labels"), new MappingRule("$.evaluation.confusion_matrix", "charts.confusion_matrix.matrix")],
            spec.Rules);
    }

    [Fact]
    public void Propose_AmbiguousTask_IsLeftOutAndTheNextCandidateTaken()
    {
        Assert.DoesNotContain(Propose("""{"task": "classification"}""").Rules, r => r.Target == "task");
        Assert.Equal("$.objective", Propose("""{"task": "classification", "objective": "binary:logistic"}""").Rules.Single(r => r.Target == "task").Source);
    }

    private static MappingSpec Propose(string json)
    {
        using var document = JsonDocument.Parse(json);
        return DeterministicMapper.Propose(document.RootElement);
    }
}
