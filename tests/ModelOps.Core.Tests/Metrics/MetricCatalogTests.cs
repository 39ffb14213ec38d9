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
    [InlineData("mse", MetricTask.Regression, false)]
    [InlineData("rmse", MetricTask.Regression, false)]
    [InlineData("mae", MetricTask.Regression, false)]
    [InlineData("r2", MetricTask.Regression, true)]
    [InlineData("mape", MetricTask.Regression, false)]
    [InlineData("max_error", MetricTask.Regression, false)]
    [InlineData("accuracy", MetricTask.Classification, true)]
    [InlineData("precision", MetricTask.Classification, true)]
    [InlineData("recall", MetricTask.Classification, true)]
    [InlineData("f1", MetricTask.Classification, true)]
    [InlineData("log_loss", MetricTask.Classification, false)]
    [InlineData("roc_auc", MetricTask.Classification, true)]
    [InlineData("average_precision", MetricTask.Classification, true)]
    [InlineData("brier", MetricTask.Classification, false)]
    public void Get_ConfigName_HasTaskAndDirection(string name, MetricTask task, bool greaterIsBetter)
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
        Assert.Equal(["mse", "rmse", "mae", "r2", "mape", "max_error"], MetricCatalog.For(MetricTask.Regression).Select(m => m.Name));
        Assert.Equal(8, MetricCatalog.For(MetricTask.Classification).Count);
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
