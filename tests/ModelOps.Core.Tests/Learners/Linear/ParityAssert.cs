using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Tests.Learners.Linear;

/// <summary>Compares a fitted linear predictor with a reference fit, relative to the largest reference value.</summary>
public static class ParityAssert
{
    /// <summary>
    /// Asserts coefficients with the intercept (one parameter vector) and predictions each equal the
    /// reference to <paramref name="relative"/> times the vector's largest absolute value; returns the
    /// largest absolute differences (coefficients, intercept, predictions) for the test output.
    /// </summary>
    public static (double Coefficients, double Intercept, double Predictions) Equal(
        LinearReference expected, LinearPredictor actual, double[] predictions, double relative)
    {
        var expectedParameters = new double[expected.Coef.Length + 1];
        expected.Coef.CopyTo(expectedParameters, 0);
        expectedParameters[^1] = expected.Intercept;
        var actualParameters = new double[actual.FeatureCount + 1];
        actual.Coefficients.CopyTo(actualParameters);
        actualParameters[^1] = actual.Intercept;
        VectorEqual(expectedParameters, actualParameters, relative, "coefficient (last: intercept)");
        VectorEqual(expected.Predictions, predictions, relative, "prediction");
        var coefficientDiff = 0.0;
        for (var j = 0; j < expected.Coef.Length; j++)
        {
            coefficientDiff = Math.Max(coefficientDiff, Math.Abs(expected.Coef[j] - actualParameters[j]));
        }

        return (coefficientDiff, Math.Abs(expected.Intercept - actual.Intercept), MaxAbsDiff(expected.Predictions, predictions));
    }

    public static void VectorEqual(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = 0.0;
        foreach (var e in expected)
        {
            scale = Math.Max(scale, Math.Abs(e));
        }

        var limit = relative * (scale == 0 ? 1 : scale);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= limit,
                $"{what} {i}: expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs(expected[i] - actual[i]):E3} > {limit:E3})");
        }
    }

    public static double MaxAbsDiff(double[] expected, double[] actual)
    {
        var largest = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(expected[i] - actual[i]));
        }

        return largest;
    }

    public static double MaxAbs(double[] values)
    {
        var largest = 0.0;
        foreach (var v in values)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }

    public static double[] PredictRaw(LinearPredictor predictor, FeatureMatrix features)
    {
        var output = new double[features.Rows];
        predictor.PredictRaw(features, output);
        return output;
    }

    public static double ResidualSumOfSquares(double[] targets, double[] predictions)
    {
        var sum = 0.0;
        for (var i = 0; i < targets.Length; i++)
        {
            sum += (targets[i] - predictions[i]) * (targets[i] - predictions[i]);
        }

        return sum;
    }
}
