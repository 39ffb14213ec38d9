namespace ModelOps.Core.Learners.Linear;

/// <summary>
/// A linear model: raw output = intercept + coefficients . features (a log-odds margin for
/// logistic regression). Keeps the training mean of each feature for linear SHAP values.
/// </summary>
public sealed class LinearPredictor : Predictor
{
    private readonly double[] _coefficients;
    private readonly double[] _featureMeans;

    /// <summary>A linear predictor (arrays are owned by the predictor from now on).</summary>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public LinearPredictor(double[] coefficients, double intercept, double[] featureMeans, Link link)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(featureMeans);
        if (coefficients.Length != featureMeans.Length)
        {
            throw new ArgumentException($"{coefficients.Length} coefficients but {featureMeans.Length} feature means.", nameof(featureMeans));
        }

        _coefficients = coefficients;
        _featureMeans = featureMeans;
        Intercept = intercept;
        Link = link;
    }

    /// <summary>One coefficient per feature.</summary>
    public ReadOnlySpan<double> Coefficients => _coefficients;

    /// <summary>The intercept.</summary>
    public double Intercept { get; }

    /// <summary>The training mean of each feature.</summary>
    public ReadOnlySpan<double> FeatureMeans => _featureMeans;

    /// <inheritdoc/>
    public override Link Link { get; }

    /// <inheritdoc/>
    public override int FeatureCount => _coefficients.Length;

    /// <inheritdoc/>
    public override double PredictRaw(ReadOnlySpan<double> row)
    {
        var sum = Intercept;
        for (var j = 0; j < _coefficients.Length; j++)
        {
            sum += _coefficients[j] * row[j];
        }

        return sum;
    }
}
