using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Trees;

/// <summary>
/// The parameters of histogram gradient boosting (like scikit-learn's HistGradientBoosting and
/// LightGBM): trees grown best-first on up to 255 quantile bins per feature, Newton leaf values,
/// missing values sent to a learned default direction.
/// </summary>
public abstract record GradientBoostingOptions : LearnerOptions
{
    /// <summary>The shrinkage applied to every tree.</summary>
    /// <value>Default 0.1.</value>
    [Range(0, 1, MinimumIsExclusive = true)]
    public double LearningRate { get; init; } = TreeDefaults.LearningRate;

    /// <summary>The number of boosting iterations (trees).</summary>
    /// <value>Default 100.</value>
    [Range(1, 100_000)]
    public int MaxIter { get; init; } = TreeDefaults.MaxIter;

    /// <summary>The most leaves per tree.</summary>
    /// <value>Default 31.</value>
    [Range(2, 100_000)]
    public int? MaxLeafNodes { get; init; } = TreeDefaults.MaxLeafNodes;

    /// <summary>The deepest a leaf may be (root = 0).</summary>
    /// <value>Default none.</value>
    [Range(1, int.MaxValue)]
    public int? MaxDepth { get; init; }

    /// <summary>The fewest training rows per leaf.</summary>
    /// <value>Default 20.</value>
    [Range(1, int.MaxValue)]
    public int MinSamplesLeaf { get; init; } = TreeDefaults.BoostingMinSamplesLeaf;

    /// <summary>L2 regularization of leaf values.</summary>
    /// <value>Default 0.</value>
    [Range(0, double.MaxValue)]
    public double L2Regularization { get; init; }

    /// <summary>The most bins per feature.</summary>
    /// <value>Default 255.</value>
    [Range(2, 255)]
    public int MaxBins { get; init; } = TreeDefaults.MaxBins;

    /// <summary>Whether to hold out <see cref="ValidationFraction"/> of the rows and stop when their loss stops improving.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool EarlyStopping { get; init; }

    /// <summary>The share of rows held out for early stopping.</summary>
    /// <value>Default 0.1.</value>
    [Range(0, 1, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double ValidationFraction { get; init; } = TreeDefaults.ValidationFraction;

    /// <summary>Early stopping ends training when none of the last this-many iterations improved the validation loss by more than <see cref="Tol"/>.</summary>
    /// <value>Default 10.</value>
    [Range(1, int.MaxValue)]
    public int NIterNoChange { get; init; } = TreeDefaults.NIterNoChange;

    /// <summary>The smallest validation-loss improvement that counts.</summary>
    /// <value>Default 1e-7.</value>
    [Range(0, double.MaxValue)]
    public double Tol { get; init; } = TreeDefaults.Tol;

    /// <summary>The random seed (the early-stopping hold-out).</summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; }

    /// <inheritdoc/>
    /// <remarks>Adds <see cref="MaxIter"/> trees to a boosted ensemble, starting from its raw output on the new rows; the result's raw output is the fitted one's plus the new trees'.</remarks>
    public override bool CanContinue => true;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        GradientBoostingTrainer.Fit(this, features, targets, Task == ModelTask.BinaryClassification, cancellation, progress: progress);

    internal override Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null)
    {
        var link = Task == ModelTask.BinaryClassification ? Link.Logistic : Link.Identity;
        if (fitted is not TreeEnsemble { Averaged: false } boosted || boosted.Link != link || boosted.FeatureCount != features.Columns)
        {
            throw new ArgumentException($"{Kind} continues a boosted tree ensemble of the same task and features, not {Predictors.Describe(fitted)}.", nameof(fitted));
        }

        return GradientBoostingTrainer.Fit(this, features, targets, Task == ModelTask.BinaryClassification, cancellation, boosted, progress);
    }

    internal GrowerSettings Settings(int featureCount) => new(
        MaxDepth, MaxLeafNodes, MinSamplesLeaf, 2, TreeDefaults.MinHessianLeaf, L2Regularization, LearningRate, featureCount, ParallelHistograms: true, UnitHessian: Task == ModelTask.Regression);
}

/// <summary>Gradient boosting for regression (squared error).</summary>
public sealed record GradientBoostingRegressorOptions : GradientBoostingOptions
{
    /// <inheritdoc/>
    public override string Kind => "GradientBoostingRegressor";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;
}

/// <summary>Gradient boosting for binary classification (log loss); raw outputs are log-odds.</summary>
public sealed record GradientBoostingClassifierOptions : GradientBoostingOptions
{
    /// <inheritdoc/>
    public override string Kind => "GradientBoostingClassifier";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.BinaryClassification;
}
