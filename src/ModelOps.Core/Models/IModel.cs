using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Models;

/// <summary>
/// A model: a feature pipeline plus a learner. Set parameters, fit on a frame and its target,
/// then predict on frames with the same input columns.
/// </summary>
public interface IModel
{
    /// <summary>The learner's config name (<c>KIND</c>).</summary>
    string Kind { get; }

    /// <summary>What the model predicts.</summary>
    ModelTask Task { get; }

    /// <summary>Whether <see cref="Fit"/> has run (since the last parameter change).</summary>
    bool IsFitted { get; }

    /// <summary>The input columns and their types (known after fitting).</summary>
    IReadOnlyList<InputColumn> Inputs { get; }

    /// <summary>The names of the features the learner sees (known after fitting).</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The learner's parameter names (snake_case).</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The value of a learner parameter.</summary>
    /// <exception cref="ArgumentException">No such parameter; the message lists them.</exception>
    object? GetParameter(string name);

    /// <summary>Changes a learner parameter; a fitted model becomes unfitted.</summary>
    /// <exception cref="ArgumentException">No such parameter, or a value of the wrong type.</exception>
    void SetParameter(string name, object? value);

    /// <summary>Fits the pipeline and the learner.</summary>
    /// <exception cref="ArgumentException">A parameter is out of range, or the pipeline does not fit the data.</exception>
    /// <exception cref="TrainingDataException">The target cannot be used (nulls, NaN, not 0/1 for a classifier, empty).</exception>
    void Fit(Frame inputs, Column target, CancellationToken cancellationToken = default);

    /// <summary>Predictions: values for regression, labels 0/1 for classification (probability above 0.5).</summary>
    /// <exception cref="Schemas.SchemaException">An input column is missing or has the wrong type.</exception>
    double[] Predict(Frame inputs);

    /// <summary>The probability of class 1 (classification only).</summary>
    /// <exception cref="InvalidOperationException">The model is a regressor.</exception>
    double[] PredictProbability(Frame inputs);

    /// <summary>Raw outputs: regression values, probabilities (forests) or log-odds margins (boosting, logistic).</summary>
    double[] PredictRaw(Frame inputs);

    /// <summary>A new unfitted model with the same pipeline steps and parameters.</summary>
    IModel CloneUnfitted();
}
