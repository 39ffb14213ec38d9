using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>ModelOps's histogram boosting; its fit includes the feature pipeline on the frame. Threads: DOTNET_PROCESSOR_COUNT.</summary>
internal sealed class ModelOpsBoosting : IContender
{
    public string Tool => "ModelOps";

    public string Model => "boosting";

    public IFittedRegressor Fit(BenchData data, BoostingSettings settings) => ModelOpsFitted.Fit(data, new GradientBoostingRegressorOptions
    {
        MaxIter = settings.Iterations,
        LearningRate = settings.LearningRate,
        MaxLeafNodes = settings.Leaves,
        MaxBins = settings.Bins,
        MinSamplesLeaf = settings.MinRowsLeaf,
        L2Regularization = 0,
    });
}

/// <summary>ModelOps's random forest (histogram splits) with the benchmark's trees and depth per data set.</summary>
internal sealed class ModelOpsForest(int trees, int depth) : IContender
{
    public string Tool => "ModelOps";

    public string Model => "forest";

    public IFittedRegressor Fit(BenchData data, BoostingSettings settings) =>
        ModelOpsFitted.Fit(data, new RandomForestRegressorOptions { NEstimators = trees, MaxDepth = depth });
}

internal sealed class ModelOpsFitted(Model model, BenchData data) : IFittedRegressor
{
    internal static ModelOpsFitted Fit(BenchData data, LearnerOptions learner)
    {
        var model = new Model(data.Steps, learner);
        model.Fit(data.Train, data.Train[data.Target]);
        return new ModelOpsFitted(model, data);
    }

    public double[] PredictTest() => model.PredictRaw(data.Test);

    public void Dispose()
    {
    }
}
