using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ModelOps.Core.Data;
using ModelOps.Core.Learning;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class ModelMetadataSchemaTests
{
    [Fact]
    public void Validate_WrongTypes_NameThePathAndTheValue()
    {
        var errors = Validate("""{"name": "m", "metrics": {"accuracy": "91.2%", "rmse": true}, "features": [{"name": 3}], "tags": {"team": 1}}""");

        Assert.Equal(
            """
            /metrics/accuracy: must be a number, got string "91.2%"
            /metrics/rmse: must be a number, got true
            /features/0/name: must be a string, got 3
            /tags/team: must be a string, got 1
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_FractionAbove1_SaysTheLimitAndTheValue()
    {
        var errors = Validate("""{"name": "m", "metrics": {"accuracy": 91.2, "roc_auc": -0.1, "rmse": 91.2}}""");

        Assert.Equal(
            """
            /metrics/accuracy: must be at most 1, got 91.2
            /metrics/roc_auc: must be at least 0, got -0.1
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_BoundsInsideArrays_SayTheLimitAndTheValue()
    {
        var errors = Validate("""
            {"name": "m", "charts": {"roc": [{"fpr": 0.5, "tpr": 87.5}], "precision_recall": [{"recall": -0.2, "precision": 0.9}],
                                     "confusion_matrix": {"labels": ["0", "1"], "matrix": [[5, -1], [2, 7]]}}}
            """);

        Assert.Equal(
            """
            /charts/roc/0/tpr: must be at most 1, got 87.5
            /charts/precision_recall/0/recall: must be at least 0, got -0.2
            /charts/confusion_matrix/matrix/0/1: must be at least 0, got -1
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_MissingRequiredMembers_NameTheMissingPaths()
    {
        var errors = Validate("""{"features": [{"type": "int64"}], "charts": {"roc": [{"fpr": 0.1}]}}""");

        Assert.Equal(
            """
            /name: is required but missing
            /features/0/name: is required but missing
            /charts/roc/0/tpr: is required but missing
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_UnknownMembersAndValues_ListWhatIsAllowed()
    {
        var errors = Validate("""{"name": "m", "task": "multiclass", "metric": {}, "features": [{"name": "a", "type": "double"}], "charts": {"roc_curve": []}}""");

        Assert.Equal(
            """
            /task: must be one of regression, binary_classification, got string "multiclass"
            /metric: unknown member, did you mean metrics?; expected one of name, description, task, features, metrics, charts, tags
            /features/0/type: must be one of int64, float64, bool, string, datetime, got string "double"
            /charts/roc_curve: unknown member; expected one of roc, precision_recall, feature_importance, confusion_matrix
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_MetricNameNotSnakeCase_SaysSo()
    {
        var errors = Validate("""{"name": "m", "metrics": {"F1 Score": 0.8}}""");

        Assert.Equal("/metrics/F1 Score: name 'F1 Score' must be snake_case (match ^[a-z0-9][a-z0-9_]*$)", Lines(errors).Trim());
    }

    [Fact]
    public void Validate_DuplicateFeaturesAndMisshapenMatrix_AreErrorsTheSchemaCannotSay()
    {
        var errors = Validate("""
            {"name": "m", "features": [{"name": "age"}, {"name": "income"}, {"name": "age"}],
             "charts": {"confusion_matrix": {"labels": ["0", "1"], "matrix": [[1, 2], [3], [4, 5]]}}}
            """);

        Assert.Equal(
            """
            /features/2/name: duplicate feature name "age" (also /features/0/name)
            /charts/confusion_matrix/matrix: must have one row per label (2), got 3 rows
            /charts/confusion_matrix/matrix/1: must have one count per label (2), got 1
            """,
            Lines(errors));
    }

    [Fact]
    public void Validate_NotAnObject_SaysWhatTheDocumentIs()
    {
        Assert.Equal("/: must be an object, got an array of 2 items", Lines(Validate("[1, 2]")).Trim());
    }

    [Fact]
    public void Validate_FullDocument_IsValidAndReadsBack()
    {
        var document = JsonNode.Parse("""
            {"name": "m", "description": "d", "task": "regression",
             "features": [{"name": "temp", "type": "float64", "description": "normalised", "importance": 0.4}],
             "metrics": {"rmse": 41.2, "custom_score": -3},
             "charts": {"roc": [{"fpr": 0, "tpr": 0, "threshold": 1}], "precision_recall": [{"recall": 1, "precision": 0.3}],
                        "feature_importance": [{"feature": "temp", "importance": 12}],
                        "confusion_matrix": {"labels": ["0", "1"], "matrix": [[5, 1], [2, 7]]}},
             "tags": {"team": "risk"}}
            """);

        Assert.Empty(ModelMetadataSchema.Validate(document));
        var metadata = ModelMetadata.FromJson(document);
        Assert.Equal(ModelTask.Regression, metadata.Task);
        Assert.Equal(ColumnType.Float64, metadata.Features[0].Type);
        Assert.Equal(new RocPoint(0, 0, 1), metadata.Charts.Roc[0]);
        Assert.Equal(7, metadata.Charts.ConfusionMatrix!.Matrix[1][1]);
        Assert.True(JsonNode.DeepEquals(document, metadata.ToJson()));
    }

    [Fact]
    public void FromJson_InvalidDocument_ListsTheErrors()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelMetadata.FromJson(JsonNode.Parse("""{"metrics": {"accuracy": 2}}""")));

        Assert.StartsWith("Invalid model metadata: /name: is required but missing; /metrics/accuracy: must be at most 1, got 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_IsDraft202012WithOneId_AndAnotherBuildOfItInItsOwnRegistryWorks()
    {
        using var schema = JsonDocument.Parse(ModelMetadataSchema.Text);

        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        Assert.Equal(ModelMetadataSchema.Id, schema.RootElement.GetProperty("$id").GetString());

        // The validator's copy is built once, in a registry of its own: a caller that builds the published text
        // (in its own registry, as JsonSchema.Net requires for a second build of one $id) does not collide with it.
        var other = JsonSchema.FromText(ModelMetadataSchema.Text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        Assert.True(other.Evaluate(JsonDocument.Parse("""{"name": "m"}""").RootElement).IsValid);
        Assert.Empty(ModelMetadataSchema.Validate(JsonNode.Parse("""{"name": "m"}""")));
    }

    private static IReadOnlyList<MetadataValidationError> Validate(string json) => ModelMetadataSchema.Validate(JsonNode.Parse(json));

    private static string Lines(IReadOnlyList<MetadataValidationError> errors) => string.Join("\n", errors);
}
