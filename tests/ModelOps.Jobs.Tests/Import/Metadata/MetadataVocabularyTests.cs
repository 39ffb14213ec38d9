using ModelOps.Core.Data;
using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Jobs.Tests.Import.Metadata;

public sealed class MetadataVocabularyTests
{
    [Theory]
    [InlineData("auRoc", "au_roc")]
    [InlineData("ModelPackageName", "model_package_name")]
    [InlineData("ROCAuc", "roc_auc")]
    [InlineData("F1Score", "f1_score")]
    [InlineData("F1 Score", "f1_score")]
    [InlineData("model-index", "model_index")]
    [InlineData("mlflow.runName", "mlflow_run_name")]
    [InlineData("reg:squarederror", "reg_squarederror")]
    [InlineData("  __x__ ", "x")]
    public void SnakeCase_SplitsWordsAtCaseAndPunctuation(string name, string expected) => Assert.Equal(expected, KeyNames.SnakeCase(name));

    [Theory]
    [InlineData("AUC", "roc_auc")]
    [InlineData("auRoc", "roc_auc")]
    [InlineData("F1 Score", "f1")]
    [InlineData("logLoss", "log_loss")]
    [InlineData("r2_score", "r2")]
    [InlineData("root_mean_squared_error", "rmse")]
    [InlineData("Accuracy", "accuracy")]
    [InlineData("auPrc", "au_prc")]
    [InlineData("true_positive_rate", "true_positive_rate")]
    public void MetricName_UsesTheCatalogsNamesElseSnakeCase(string name, string expected) => Assert.Equal(expected, MetadataVocabulary.MetricName(name));

    [Theory]
    [InlineData("BinaryClassification", "binary_classification")]
    [InlineData("binary:logistic", "binary_classification")]
    [InlineData("Binary Classification", "binary_classification")]
    [InlineData("reg:squarederror", "regression")]
    [InlineData("Regressor", "regression")]
    public void TryTask_KnownWords_GiveOurTask(string text, string task)
    {
        Assert.True(MetadataVocabulary.TryTask(text, out var actual, out _));
        Assert.Equal(task, actual);
    }

    [Theory]
    [InlineData("multi:softprob", "is a multiclass task; ModelOps models are regression or binary_classification")]
    [InlineData("tabular-classification", "does not say whether the classification is binary or multiclass; tasks are regression, binary_classification")]
    [InlineData("ranking", "is not a task ModelOps knows; tasks are regression, binary_classification")]
    public void TryTask_OtherWords_SayWhy(string text, string why)
    {
        Assert.False(MetadataVocabulary.TryTask(text, out _, out var actual));
        Assert.Equal(why, actual);
    }

    [Theory]
    [InlineData("double", ColumnType.Float64)]
    [InlineData("float32", ColumnType.Float64)]
    [InlineData("long", ColumnType.Int64)]
    [InlineData("Int32", ColumnType.Int64)]
    [InlineData("category", ColumnType.String)]
    [InlineData("object", ColumnType.String)]
    [InlineData("boolean", ColumnType.Bool)]
    [InlineData("datetime64[ns]", ColumnType.DateTime)]
    [InlineData("DoubleType", ColumnType.Float64)]
    public void TryColumnType_TypeNamesOfOtherTools_GiveOurType(string text, ColumnType type)
    {
        Assert.True(MetadataVocabulary.TryColumnType(text, out var actual));
        Assert.Equal(type, actual);
    }
}
