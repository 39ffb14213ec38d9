using System.Text;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class MappingApplierTests
{
    private const string Source = """
        {
          "model_name": "churn",
          "model_performance": {"accuracy": "91.2%", "f1_score": 0.8, "auc": "0.93", "note": "ninety"},
          "columns": [{"name": "age", "type": "int"}, {"name": "income"}, {"name": "city", "type": "geo"}],
          "runs": [{"m": {"acc": 0.9}}, {"m": {"acc": 0.8}}],
          "list": "age; income",
          "dtypes": {"age": "int64", "income": "float64"},
          "tags": {"team": "risk", "priority": 2, "active": true}
        }
        """;

    [Fact]
    public void Apply_PathNotInSource_NamesTheRuleThePathAndWhatIsThere()
    {
        var proposal = Apply(Rule("$.model_performance.acc", "metrics.accuracy"));

        Assert.Equal(
            "rules[0]: $.model_performance.acc does not exist ($.model_performance has accuracy, f1_score, auc, note)",
            Assert.Single(proposal.Problems).ToString());
        Assert.Null(proposal.Metadata);
    }

    [Fact]
    public void Apply_PathThroughAScalarOrPastTheEnd_SaysWhatTheValueIs()
    {
        var proposal = Apply(Rule("$.model_name.first", "name"), Rule("$.columns[5].name", "description"));

        AssertProblems(
            proposal,
            "rules[0]: $.model_name.first does not exist ($.model_name is a string, not an object)",
            "rules[1]: $.columns[5] does not exist ($.columns has 3 items)");
    }

    [Fact]
    public void Apply_ValueTheTransformCannotRead_NamesTheRulePathAndValue()
    {
        var proposal = Apply(
            Rule("$.model_performance.note", "metrics.accuracy", "scale_percent"),
            Rule("$.model_performance.accuracy", "metrics.precision", "text_to_number"),
            Rule("$.model_performance.note", "metrics.recall", "text_to_number"),
            Rule("$.columns[*].type", "features[].type", "column_type"),
            Rule("$.model_name", "task", "task_name"));

        AssertProblems(
            proposal,
            "rules[0]: $.model_performance.note is string \"ninety\", not a percentage",
            "rules[1]: $.model_performance.accuracy is string \"91.2%\", a percentage; use scale_percent",
            "rules[2]: $.model_performance.note is string \"ninety\", not a number",
            "rules[3]: $.columns[1].type does not exist ($.columns[1] has name)",
            "rules[3]: $.columns[2].type is string \"geo\", not a column type (float64, int64, bool, string, datetime, or a synonym such as double, long, object, category, timestamp)",
            "rules[4]: $.model_name is string \"churn\", which is not a task ModelOps knows; tasks are regression, binary_classification");
    }

    [Fact]
    public void Apply_Transforms_ReadPercentagesNumbersListsKeysAndTypes()
    {
        var proposal = Apply(
            Rule("$.model_name", "name"),
            Rule("$.model_performance.accuracy", "metrics.accuracy", "scale_percent"),
            Rule("$.model_performance.auc", "metrics.auc", "text_to_number"),
            Rule("$.model_performance.f1_score", "metrics.F1 Score"),
            Rule("$.dtypes", "features[].name", "keys"),
            Rule("$.dtypes.*", "features[].type", "column_type"),
            Rule("$.tags", "tags"));

        Assert.True(proposal.IsValid, string.Join("; ", proposal.Problems.Concat<object>(proposal.Errors)));
        Assert.Equal(
            """{"name":"churn","features":[{"name":"age","type":"int64"},{"name":"income","type":"float64"}],"metrics":{"accuracy":0.912,"roc_auc":0.93,"f1":0.8},"tags":{"team":"risk","priority":"2","active":"true"}}""",
            proposal.Mapped.GetRawText());
    }

    [Fact]
    public void Apply_SplitList_TrimsAndDropsEmptyItems()
    {
        var proposal = Apply(Rule("$.model_name", "name"), new MappingRule("$.list", "features[].name", MappingTransform.SplitList) { Delimiter = ";" });

        Assert.Equal("""{"name":"churn","features":[{"name":"age"},{"name":"income"}]}""", proposal.Mapped.GetRawText());
    }

    [Fact]
    public void Apply_ManyValuesToOneValueTarget_IsAProblem()
    {
        var proposal = Apply(Rule("$.columns[*].name", "name"));

        Assert.Equal(
            "rules[0]: $.columns[*].name gives 3 values but name takes one; name one value (e.g. [0] instead of [*]) or use a list target",
            Assert.Single(proposal.Problems).ToString());
    }

    [Fact]
    public void Apply_ListsOfDifferentLengths_PairsTheFirstItemsAndSaysSo()
    {
        var proposal = Apply(Rule("$.model_name", "name"), Rule("$.columns[*].name", "features[].name"), Rule("$.dtypes", "features[].description", "keys"));

        Assert.Equal(
            "rules[2]: $.dtypes gives 2 values but features[] has 3 items (from rules[1]); the first 2 are paired",
            Assert.Single(proposal.Problems).ToString());
    }

    [Fact]
    public void Apply_FieldSetTwice_KeepsTheFirstAndNamesIt()
    {
        var proposal = Apply(Rule("$.model_name", "name"), Rule("$.model_performance.auc", "metrics.roc_auc", "text_to_number"), Rule("$.model_performance.f1_score", "metrics.auc"));

        Assert.Equal("rules[2]: metrics.roc_auc is already set by rules[1]; this rule's value 0.8 is left out", Assert.Single(proposal.Problems).ToString());
        Assert.Equal(0.93, proposal.Mapped.GetProperty("metrics").GetProperty("roc_auc").GetDouble());
    }

    [Fact]
    public void Apply_EntriesOfAListOfObjects_ReadsNameAndValueFields()
    {
        var source = """{"name": "m", "metrics": [{"key": "AUC", "value": 0.9}, {"key": "logLoss", "value": 0.3}, {"value": 1}]}""";

        var proposal = Apply(source, Rule("$.name", "name"), new MappingRule("$.metrics", "metrics") { NameField = "key" });

        Assert.Equal("""{"name":"m","metrics":{"roc_auc":0.9,"log_loss":0.3}}""", proposal.Mapped.GetRawText());
        Assert.Equal("rules[1]: $.metrics[2] has no text member 'key' to name the entry (it is {\"value\":1}); set name_field", Assert.Single(proposal.Problems).ToString());
    }

    [Fact]
    public void Apply_EntriesOfAnObjectOfObjects_ReadTheValueField()
    {
        var source = """{"name": "m", "bcm": {"accuracy": {"value": 0.8, "standard_deviation": 0.01}, "confusion_matrix": {"0": {"0": 1}}}}""";

        var proposal = Apply(source, Rule("$.name", "name"), new MappingRule("$.bcm", "metrics") { ValueField = "value" });

        Assert.Equal("""{"name":"m","metrics":{"accuracy":0.8}}""", proposal.Mapped.GetRawText());
        Assert.Equal(
            "rules[1]: $.bcm.confusion_matrix.value does not exist ($.bcm.confusion_matrix is {\"0\":{\"0\":1}}); value_field names the member that holds each value",
            Assert.Single(proposal.Problems).ToString());
    }

    [Fact]
    public void Apply_BadPathTargetOrOptions_NamesWhatIsWrong()
    {
        var proposal = Apply(
            Rule("model_name", "name"),
            Rule("$.a..b", "name"),
            Rule("$.model_name", "metric.accuracy"),
            Rule("$.model_name", "features[].dtype"),
            new MappingRule("$.model_name", "name") { Delimiter = ";" },
            new MappingRule("$.model_name", "name") { NameField = "key" },
            Rule("$.tags", "tags", "keys"));

        AssertProblems(
            proposal,
            "rules[0]: 'model_name' is not a source path: it must start with $ (the document), e.g. $.metrics.accuracy",
            "rules[1]: '$.a..b' is not a source path: at character 5, a name must follow '.' (write other names as ['name'])",
            "rules[2]: target 'metric.accuracy' is not a metadata field; targets: " + TargetListing,
            "rules[3]: target 'features[].dtype' is not a field of features[]; its fields are name, type, description, importance",
            "rules[4]: delimiter is an option of split_list only",
            "rules[5]: name_field and value_field are options of the metrics and tags targets only",
            "rules[6]: tags takes the entries of an object or of a list of objects, each value transformed by none, scale_percent or text_to_number, not keys");
    }

    [Fact]
    public void Apply_RuleSamples_ShowTheFirstValueShortenedAndTheCount()
    {
        var longText = new string('x', 200);
        var proposal = Apply($$"""{"name": "{{longText}}", "cols": ["a", "b", "c"]}""", Rule("$.name", "name"), Rule("$.cols[*]", "features[].name"), Rule("$.nothing", "description"));

        Assert.Equal("\"" + new string('x', 78) + "…", proposal.Rules[0].Sample);
        Assert.Equal(80, proposal.Rules[0].Sample!.Length);
        Assert.Equal(("\"a\"", 3), (proposal.Rules[1].Sample, proposal.Rules[1].Count));
        Assert.Equal((null, 0), (proposal.Rules[2].Sample, proposal.Rules[2].Count));
    }

    [Fact]
    public void Apply_NeverInventsAValue_AFailedRuleLeavesItsFieldOut()
    {
        var proposal = Apply(Rule("$.model_name", "name"), Rule("$.model_performance.note", "metrics.accuracy", "scale_percent"), Rule("$.missing", "task"));

        Assert.Equal("""{"name":"churn"}""", proposal.Mapped.GetRawText());
        Assert.Equal(2, proposal.Problems.Count);
        Assert.False(proposal.IsValid);
        Assert.Null(proposal.Metadata);
    }

    private static string TargetListing =>
        "name, description, task, metrics, metrics.NAME, tags, tags.NAME, features[].name, features[].type, features[].description, features[].importance, " +
        "charts.roc[].fpr, charts.roc[].tpr, charts.roc[].threshold, charts.precision_recall[].recall, charts.precision_recall[].precision, charts.precision_recall[].threshold, " +
        "charts.feature_importance[].feature, charts.feature_importance[].importance, charts.confusion_matrix.labels, charts.confusion_matrix.labels[], " +
        "charts.confusion_matrix.matrix, charts.confusion_matrix.matrix[]";

    /// <summary>Compares the problems as lines, so that a difference shows in full.</summary>
    private static void AssertProblems(MetadataProposal proposal, params string[] expected) =>
        Assert.Equal(string.Join('\n', expected), string.Join('\n', proposal.Problems));

    private static MappingRule Rule(string source, string target, string transform = "none")
    {
        Assert.True(MappingTransforms.TryParse(transform, out var parsed));
        return new MappingRule(source, target, parsed);
    }

    private static MetadataProposal Apply(params MappingRule[] rules) => Apply(Source, rules);

    private static MetadataProposal Apply(string source, params MappingRule[] rules) =>
        MetadataImport.Apply(Encoding.UTF8.GetBytes(source), "model.json", new MappingSpec(rules));
}
