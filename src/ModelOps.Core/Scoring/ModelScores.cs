using ModelOps.Core.Explain;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Scoring;

/// <summary>
/// What a model made of some rows (<see cref="ModelScoring"/>): per row the raw output, the
/// prediction, for classifiers the probability of class 1, and the SHAP values when asked.
/// </summary>
public sealed class ModelScores
{
    internal ModelScores(ModelTask task, double[] raw, double[] predictions, double[]? probabilities, ShapValues? shap)
    {
        Task = task;
        Raw = raw;
        Predictions = predictions;
        Probabilities = probabilities;
        Shap = shap;
    }

    /// <summary>What the model predicts.</summary>
    public ModelTask Task { get; }

    /// <summary>The number of rows scored.</summary>
    public int Rows => Raw.Length;

    /// <summary>
    /// Per row, the raw output: the regression value, a forest classifier's averaged probability, or
    /// the log-odds margin of boosting and logistic models (the space SHAP values add up in).
    /// </summary>
    public double[] Raw { get; }

    /// <summary>
    /// Per row, the prediction: the value for a regressor (the same array as <see cref="Raw"/>), the
    /// class 0 or 1 for a classifier (1 when the probability of class 1 is above 0.5).
    /// </summary>
    public double[] Predictions { get; }

    /// <summary>Per row, the probability of class 1 (the link applied to the raw output); <see langword="null"/> for a regressor.</summary>
    public double[]? Probabilities { get; }

    /// <summary>The exact SHAP values of the rows (base value + a row's values = its raw output), or <see langword="null"/> when not asked.</summary>
    public ShapValues? Shap { get; }

    /// <summary>These scores with <paramref name="shap"/> as their SHAP values (explained by the caller from the same feature rows).</summary>
    internal ModelScores WithShap(ShapValues shap) => new(Task, Raw, Predictions, Probabilities, shap);
}
