using ModelOps.Core.Learners;

namespace ModelOps.Core.Tests.Learners;

public sealed class ParametersTests
{
    [Theory]
    [InlineData("MaxDepth", "max_depth")]
    [InlineData("NEstimators", "n_estimators")]
    [InlineData("NIterNoChange", "n_iter_no_change")]
    [InlineData("L2Regularization", "l2_regularization")]
    [InlineData("C", "c")]
    [InlineData("Tol", "tol")]
    public void SnakeCase_PropertyName_GivesConfigName(string property, string expected)
    {
        Assert.Equal(expected, Parameters.SnakeCase(property));
    }
}
