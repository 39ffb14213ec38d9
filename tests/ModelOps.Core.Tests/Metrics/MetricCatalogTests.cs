using ModelOps.Core.Learning;
using ModelOps.Core.Metrics;

namespace ModelOps.Core.Tests.Metrics;

public sealed class MetricCatalogTests
{
    [Fact]
    public void All_Catalog_ListsRegressionThenClassificationNames()
    {
        Assert.Equal(
            ["mse", "rmse", "mae", "r2", "mape", "max_error", "accuracy", "precision", "recall", "f1", "log_loss", "roc_auc", "average_precision", "brier"],
            MetricCatalog.All.Select(m => m.Name));
        Assert.Equal(MetricCatalog.All.Select(m => m.Name), MetricCatalog.Names);
    }

    [Theory]
    [InlineData("mse", ModelTask.Regression, false)]
    [InlineData("rmse", ModelTask.Regression, false)]
    [InlineData("mae", ModelTask.Regression, false)]
    [InlineData("r2", ModelTask.Regression, true)]
    [InlineData("mape", ModelTask.Regression, false)]
    [InlineData("max_error", ModelTask.Regression, false)]
    [InlineData("accuracy", ModelTask.BinaryClassification, true)]
    [InlineData("precision", ModelTask.BinaryClassification, true)]
    [InlineData("recall", ModelTask.BinaryClassification, true)]
    [InlineData("f1", ModelTask.BinaryClassification, true)]
    [InlineData("log_loss", ModelTask.BinaryClassification, false)]
    [InlineData("roc_auc", ModelTask.BinaryClassification, true)]
    [InlineData("average_precision", ModelTask.BinaryClassification, true)]
    [InlineData("brier", ModelTask.BinaryClassification, false)]
    public void Get_ConfigName_HasTaskAndDirection(string name, ModelTask task, bool greaterIsBetter)
    {
        var metric = MetricCatalog.Get(name);

        Assert.Equal(name, metric.Name);
        Assert.Equal(task, metric.Task);
        Assert.Equal(greaterIsBetter, metric.GreaterIsBetter);
    }

    [Theory]
    [InlineData("RMSE")]
    [InlineData("Roc_AUC")]
    [InlineData("Max_Error")]
    public void Get_OtherCase_FindsMetric(string name)
    {
        Assert.Equal(name.ToLowerInvariant(), MetricCatalog.Get(name).Name);
    }

    [Fact]
    public void Get_UnknownName_ListsKnownNames()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricCatalog.Get("auc_pr"));

        Assert.Equal(
            "Unknown metric 'auc_pr'. Known metrics: mse, rmse, mae, r2, mape, max_error, accuracy, precision, recall, f1, " +
            "log_loss, roc_auc, average_precision, brier. (Parameter 'name')",
            error.Message);
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void Get_MisspelledName_SuggestsClosest()
    {
        var error = Assert.Throws<ArgumentException>(() => MetricCatalog.Get("RSME"));

        Assert.Equal(
            "Unknown metric 'RSME'. Did you mean 'rmse'? Known metrics: mse, rmse, mae, r2, mape, max_error, accuracy, precision, " +
            "recall, f1, log_loss, roc_auc, average_precision, brier. (Parameter 'name')",
            error.Message);
    }

    [Fact]
    public void Get_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => MetricCatalog.Get(null!));
    }

    [Fact]
    public void TryGet_KnownAndUnknown_ReportsWhetherFound()
    {
        Assert.True(MetricCatalog.TryGet("F1", out var metric));
        Assert.Equal("f1", metric.Name);
        Assert.False(MetricCatalog.TryGet("f2", out _));
    }

    [Fact]
    public void For_Task_ListsItsMetricsInCatalogOrder()
    {
        Assert.Equal(["mse", "rmse", "mae", "r2", "mape", "max_error"], MetricCatalog.For(ModelTask.Regression).Select(m => m.Name));
        Assert.Equal(8, MetricCatalog.For(ModelTask.BinaryClassification).Count);
    }

    [Fact]
    public void Names_Constants_MatchCatalog()
    {
        string[] constants =
        [
            MetricNames.MeanSquaredError, MetricNames.RootMeanSquaredError, MetricNames.MeanAbsoluteError, MetricNames.R2,
            MetricNames.MeanAbsolutePercentageError, MetricNames.MaxError, MetricNames.Accuracy, MetricNames.Precision,
            MetricNames.Recall, MetricNames.F1, MetricNames.LogLoss, MetricNames.RocAuc, MetricNames.AveragePrecision,
            MetricNames.Brier,
        ];

        Assert.Equal(constants, MetricCatalog.Names);
    }
}
