using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learning;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>
/// One data set of the speed run, in the two forms the tools take: the frame and feature steps for
/// ModelOps (whose fit includes its pipeline), and the same features as row-major matrices for the
/// anchors (made once, outside the timings, by the fitted ModelOps pipeline).
/// </summary>
internal sealed record BenchData(string Name, Frame Train, Frame Test, string Target, FeatureStep[] Steps, FeatureMatrix TrainMatrix, double[] TrainLabels, FeatureMatrix TestMatrix, double[] TestLabels)
{
    internal static double[] Labels(Frame frame, string target) => frame[target] switch
    {
        Int64Column c => Array.ConvertAll(c.Values.ToArray(), v => (double)v),
        Float64Column c => c.Values.ToArray(),
        var other => throw new ArgumentException($"target '{target}' is a {other.GetType().Name}, not a number column"),
    };
}

/// <summary>The boosting hyper-parameters every tool gets (issue 25): 31 leaves, learning rate 0.1, 255 bins, 20 rows a leaf, no L2.</summary>
internal sealed record BoostingSettings(int Iterations, int Threads, int Leaves = 31, double LearningRate = 0.1, int Bins = 255, int MinRowsLeaf = 20);

/// <summary>A fitted model that predicts the test rows of the data it was fitted on.</summary>
internal interface IFittedRegressor : IDisposable
{
    double[] PredictTest();
}

/// <summary>One tool of the speed run.</summary>
internal interface IContender
{
    /// <summary>The tool's name in the tables.</summary>
    string Tool { get; }

    /// <summary>"boosting" or "forest".</summary>
    string Model { get; }

    IFittedRegressor Fit(BenchData data, BoostingSettings settings);
}
