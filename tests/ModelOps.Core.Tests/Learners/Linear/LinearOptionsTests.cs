using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Learners.Linear;

public sealed class LinearOptionsTests
{
    [Fact]
    public void Defaults_LinearRegression_MatchSklearn()
    {
        var options = new LinearRegressionOptions();

        Assert.Equal("LinearRegression", options.Kind);
        Assert.Equal(ModelTask.Regression, options.Task);
        Assert.True(options.FitIntercept);
        Assert.Equal(["fit_intercept"], options.ParameterNames);
    }

    [Fact]
    public void Defaults_Ridge_MatchSklearn()
    {
        var options = new RidgeOptions();

        Assert.Equal("Ridge", options.Kind);
        Assert.Equal(ModelTask.Regression, options.Task);
        Assert.Equal(1.0, options.Alpha);
        Assert.True(options.FitIntercept);
        Assert.Equal(["alpha", "fit_intercept"], options.ParameterNames);
    }

    [Fact]
    public void Defaults_LogisticRegression_MatchSklearn()
    {
        var options = new LogisticRegressionOptions();

        Assert.Equal("LogisticRegression", options.Kind);
        Assert.Equal(ModelTask.BinaryClassification, options.Task);
        Assert.Equal(1.0, options.C);
        Assert.True(options.FitIntercept);
        Assert.Equal(100, options.MaxIter);
        Assert.Equal(1e-4, options.Tol);
        Assert.Equal(["c", "fit_intercept", "max_iter", "tol"], options.ParameterNames);
    }

    [Theory]
    [InlineData("LinearRegression", typeof(LinearRegressionOptions))]
    [InlineData("Ridge", typeof(RidgeOptions))]
    [InlineData("LogisticRegression", typeof(LogisticRegressionOptions))]
    public void Create_LinearKind_ReturnsDefaultOptions(string kind, Type type)
    {
        var options = LearnerCatalog.Create(kind);

        Assert.IsType(type, options);
        Assert.Equal(kind, options.Kind);
        Assert.Contains(kind, LearnerCatalog.Kinds);
        options.Validate();
    }

    [Fact]
    public void Validate_CZero_ThrowsGreaterThanZero()
    {
        var options = new LogisticRegressionOptions { C = 0 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("LogisticRegression: c = 0: must be greater than 0.", error.Message);
    }

    [Fact]
    public void Validate_EveryLogisticParameterOutOfRange_ListsAllProblems()
    {
        var options = new LogisticRegressionOptions { C = -1, MaxIter = 0, Tol = -0.5 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("LogisticRegression: c = -1: must be greater than 0; max_iter = 0: must be at least 1 and at most 100000; tol = -0.5: must be at least 0.", error.Message);
    }

    [Fact]
    public void Validate_NegativeAlpha_ThrowsAtLeastZero()
    {
        var options = new RidgeOptions { Alpha = -1 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Ridge: alpha = -1: must be at least 0.", error.Message);
    }

    [Fact]
    public void Validate_NaNAlpha_Throws()
    {
        var options = new RidgeOptions { Alpha = double.NaN };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Ridge: alpha = NaN: must be at least 0.", error.Message);
    }

    [Fact]
    public void Validate_AlphaZero_IsAllowed()
    {
        new RidgeOptions { Alpha = 0 }.Validate();
    }

    [Fact]
    public void WithParameter_ConfigNames_SetProperties()
    {
        var options = (LogisticRegressionOptions)new LogisticRegressionOptions()
            .WithParameter("c", 0.5)
            .WithParameter("fit_intercept", "false")
            .WithParameter("max_iter", 20)
            .WithParameter("tol", 1e-8);

        Assert.Equal(new LogisticRegressionOptions { C = 0.5, FitIntercept = false, MaxIter = 20, Tol = 1e-8 }, options);
        Assert.Equal(0.5, options.GetParameter("c"));
    }
}
