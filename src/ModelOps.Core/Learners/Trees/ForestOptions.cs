using System.ComponentModel.DataAnnotations;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Learners.Trees;

/// <summary>The parameters shared by decision trees and random forests (CART on binned features).</summary>
public abstract record TreeLearnerOptions : LearnerOptions
{
    /// <summary>The deepest a leaf may be (the root has depth 0).</summary>
    /// <value>Default none (grow until leaves are pure or too small).</value>
    [Range(1, int.MaxValue)]
    public int? MaxDepth { get; init; }

    /// <summary>The fewest training rows a node needs to be split.</summary>
    /// <value>Default 2.</value>
    [Range(2, int.MaxValue)]
    public int MinSamplesSplit { get; init; } = TreeDefaults.MinSamplesSplit;

    /// <summary>The fewest training rows a leaf may hold.</summary>
    /// <value>Default 1.</value>
    [Range(1, int.MaxValue)]
    public int MinSamplesLeaf { get; init; } = TreeDefaults.MinSamplesLeaf;

    /// <summary>How many features each split tries: <c>all</c>, <c>sqrt</c>, <c>log2</c>, a fraction (<c>0.5</c>) or a count (<c>5</c>).</summary>
    /// <value>Default <c>all</c> (regressors and single trees), <c>sqrt</c> (forest classifiers).</value>
    public string MaxFeatures { get; init; } = "all";

    /// <summary>The most bins per feature (features with fewer distinct values split exactly).</summary>
    /// <value>Default 255.</value>
    [Range(2, 255)]
    public int MaxBins { get; init; } = TreeDefaults.MaxBins;

    /// <summary>The random seed (feature sampling, bootstrap).</summary>
    /// <value>Default 0.</value>
    public int Seed { get; init; }

    private protected override void AddProblems(List<string> problems)
    {
        if (MaxFeatures is null || !Trees.MaxFeatures.IsValid(MaxFeatures))
        {
            problems.Add($"max_features = {MaxFeatures}: must be {Trees.MaxFeatures.Accepted}");
        }
    }

    private protected GrowerSettings Settings(int featureCount) => new(
        MaxDepth, null, MinSamplesLeaf, MinSamplesSplit, 0, 0, 1, Trees.MaxFeatures.Resolve(MaxFeatures, featureCount), ParallelHistograms: false);
}

/// <summary>A CART regression tree (squared error).</summary>
public sealed record DecisionTreeRegressorOptions : TreeLearnerOptions
{
    /// <inheritdoc/>
    public override string Kind => "DecisionTreeRegressor";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        ForestTrainer.Fit(features, targets, 1, bootstrap: false, MaxBins, Settings(features.Columns), Seed, cancellation, progress);
}

/// <summary>A CART classification tree (Gini); leaves hold the share of class 1.</summary>
public sealed record DecisionTreeClassifierOptions : TreeLearnerOptions
{
    /// <inheritdoc/>
    public override string Kind => "DecisionTreeClassifier";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.BinaryClassification;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        ForestTrainer.Fit(features, targets, 1, bootstrap: false, MaxBins, Settings(features.Columns), Seed, cancellation, progress);
}

/// <summary>The parameters of random forests: many trees on bootstrap samples, averaged.</summary>
public abstract record RandomForestOptions : TreeLearnerOptions
{
    /// <summary>The number of trees (built in parallel over the cores).</summary>
    /// <value>Default 100.</value>
    [Range(1, 100_000)]
    public int NEstimators { get; init; } = TreeDefaults.NEstimators;

    /// <summary>Whether each tree sees a bootstrap sample (n rows drawn with replacement) instead of all rows.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Bootstrap { get; init; } = true;

    /// <inheritdoc/>
    /// <remarks>Grows <see cref="NEstimators"/> new trees on the new rows and averages them with the fitted forest's trees.</remarks>
    public override bool CanContinue => true;

    internal override Predictor Fit(FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null) =>
        ForestTrainer.Fit(features, targets, NEstimators, Bootstrap, MaxBins, Settings(features.Columns), Seed, cancellation, progress);

    internal override Predictor Continue(Predictor fitted, FeatureMatrix features, double[] targets, CancellationToken cancellation, IProgress<double>? progress = null)
    {
        if (fitted is not TreeEnsemble { Averaged: true } forest || forest.FeatureCount != features.Columns)
        {
            throw new ArgumentException($"{Kind} continues a forest of the same features, not {Predictors.Describe(fitted)}.", nameof(fitted));
        }

        var grown = ForestTrainer.Fit(features, targets, NEstimators, Bootstrap, MaxBins, Settings(features.Columns), Seed, cancellation, progress);
        return new TreeEnsemble([.. forest.Trees, .. grown.Trees], 0, averaged: true, forest.Link, features.Columns);
    }
}

/// <summary>A random forest of regression trees.</summary>
public sealed record RandomForestRegressorOptions : RandomForestOptions
{
    /// <inheritdoc/>
    public override string Kind => "RandomForestRegressor";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.Regression;
}

/// <summary>A random forest of classification trees; the probability is the mean of the trees' class-1 shares.</summary>
public sealed record RandomForestClassifierOptions : RandomForestOptions
{
    /// <summary>A forest classifier; <see cref="TreeLearnerOptions.MaxFeatures"/> defaults to <c>sqrt</c>.</summary>
    public RandomForestClassifierOptions()
    {
        MaxFeatures = "sqrt";
    }

    /// <inheritdoc/>
    public override string Kind => "RandomForestClassifier";

    /// <inheritdoc/>
    public override ModelTask Task => ModelTask.BinaryClassification;
}

/// <summary>Default values of tree learner parameters, stated once.</summary>
internal static class TreeDefaults
{
    public const int MinSamplesSplit = 2;
    public const int MinSamplesLeaf = 1;
    public const int MaxBins = 255;
    public const int NEstimators = 100;
    public const double LearningRate = 0.1;
    public const int MaxIter = 100;
    public const int MaxLeafNodes = 31;
    public const int BoostingMinSamplesLeaf = 20;
    public const double ValidationFraction = 0.1;
    public const int NIterNoChange = 10;
    public const double Tol = 1e-7;
    public const double MinHessianLeaf = 1e-3;
}
