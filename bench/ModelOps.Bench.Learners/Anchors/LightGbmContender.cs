using System.Globalization;
using ModelOps.Bench.Learners.Interop;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>
/// LightGBM 4.7.0 through its C API in this process: LGBM_DatasetCreateFromMat on the row-major
/// float64 feature matrix (the binning is part of the fit, as ModelOps's is), LGBM_BoosterCreate and
/// LGBM_BoosterUpdateOneIter for each iteration; LGBM_BoosterPredictForMat on the test matrix.
/// The boosting and the random forest (<c>boosting=rf</c>) differ only in their parameters.
/// </summary>
internal abstract class LightGbmContenderBase : IContender
{
    public string Tool => "LightGBM";

    public abstract string Model { get; }

    public unsafe IFittedRegressor Fit(BenchData data, BoostingSettings settings)
    {
        var (datasetParameters, boosterParameters, iterations) = Parameters(data, settings);
        var matrix = data.TrainMatrix;
        DatasetHandle dataset;
        fixed (double* x = matrix.Values)
        {
            LightGbmNative.Check(LightGbmNative.DatasetCreateFromMat(x, LightGbmNative.Float64, matrix.Rows, matrix.Columns, 1, datasetParameters, 0, out dataset), "LGBM_DatasetCreateFromMat");
        }

        var labels = Array.ConvertAll(data.TrainLabels, v => (float)v);
        fixed (float* y = labels)
        {
            LightGbmNative.Check(LightGbmNative.DatasetSetField(dataset, "label", y, labels.Length, LightGbmNative.Float32), "LGBM_DatasetSetField");
        }

        LightGbmNative.Check(LightGbmNative.BoosterCreate(dataset, $"{boosterParameters} {datasetParameters}", out var booster), "LGBM_BoosterCreate");
        for (var i = 0; i < iterations; i++)
        {
            LightGbmNative.Check(LightGbmNative.BoosterUpdateOneIter(booster, out var finished), "LGBM_BoosterUpdateOneIter");
            if (finished != 0)
            {
                break;
            }
        }

        return new Fitted(dataset, booster, data, settings.Threads);
    }

    /// <summary>The dataset's parameters (also passed to the booster), the booster's own, and the iterations to run.</summary>
    private protected abstract (string Dataset, string Booster, int Iterations) Parameters(BenchData data, BoostingSettings settings);

    private sealed class Fitted(DatasetHandle dataset, BoosterHandle booster, BenchData data, int threads) : IFittedRegressor
    {
        public unsafe double[] PredictTest()
        {
            var matrix = data.TestMatrix;
            var result = new double[matrix.Rows];
            fixed (double* x = matrix.Values)
            fixed (double* output = result)
            {
                LightGbmNative.Check(LightGbmNative.BoosterPredictForMat(booster, x, LightGbmNative.Float64, matrix.Rows, matrix.Columns, 1, LightGbmNative.PredictNormal, 0, -1, $"num_threads={threads}", out _, output), "LGBM_BoosterPredictForMat");
            }

            return result;
        }

        public void Dispose()
        {
            // The booster refers to its training dataset: free it first.
            booster.Dispose();
            dataset.Dispose();
        }
    }
}

/// <summary>
/// LightGBM's gradient boosting with the benchmark's boosting settings. Everything else is LightGBM's
/// default (min_sum_hessian_in_leaf 1e-3, which 20 rows of hessian 1 pass; bin_construct_sample_cnt
/// 200,000; min_data_in_bin 3; the row-/column-wise histogram choice it makes itself).
/// </summary>
internal sealed class LightGbmContender : LightGbmContenderBase
{
    public override string Model => "boosting";

    private protected override (string Dataset, string Booster, int Iterations) Parameters(BenchData data, BoostingSettings settings) => (
        string.Create(CultureInfo.InvariantCulture, $"max_bin={settings.Bins} min_data_in_leaf={settings.MinRowsLeaf} num_threads={settings.Threads} verbose=-1 seed=0"),
        string.Create(CultureInfo.InvariantCulture, $"objective=regression num_leaves={settings.Leaves} learning_rate={settings.LearningRate} lambda_l2=0"),
        settings.Iterations);
}

/// <summary>
/// LightGBM's random forest (<c>boosting=rf</c>: histogram splits like ModelOps's forest, trees averaged)
/// with ModelOps's forest settings where LightGBM has them: <paramref name="trees"/> trees, depth
/// <paramref name="depth"/>, every feature at every split, 1 row a leaf, 255 bins, no L2. What differs:
/// LightGBM's forest must subsample rows (bagging_fraction below 1, bagging_freq 1) and draws them
/// without replacement, so each tree gets 63.2 % of the rows once each, the expected share of distinct
/// rows in a bootstrap sample (ModelOps draws n rows with replacement: the same share of distinct rows,
/// some counted twice or more); LightGBM grows leaf-wise to at most <c>num_leaves</c> leaves, set to
/// 2^depth (capped at its maximum 131,072 and at the training rows) so that the depth is the limit; its
/// bins come from a 200,000-row sample with min_data_in_bin 3. LIGHTGBM_RF_NUM_LEAVES=N in the
/// environment caps num_leaves at N instead (a diagnostic: how LightGBM's time depends on it).
/// </summary>
internal sealed class LightGbmForest(int trees, int depth) : LightGbmContenderBase
{
    /// <summary>The share of distinct rows in a bootstrap sample of n from n rows, 1 - 1/e.</summary>
    internal const double BootstrapDistinctShare = 0.632;

    public override string Model => "forest";

    private protected override (string Dataset, string Booster, int Iterations) Parameters(BenchData data, BoostingSettings settings)
    {
        var cap = int.TryParse(Environment.GetEnvironmentVariable("LIGHTGBM_RF_NUM_LEAVES"), out var n) && n > 1 ? n : 131_072;
        var leaves = (int)Math.Min(Math.Min(1L << Math.Min(depth, 30), cap), data.TrainLabels.Length);
        return (
            string.Create(CultureInfo.InvariantCulture, $"max_bin={settings.Bins} min_data_in_leaf=1 min_sum_hessian_in_leaf=0 num_threads={settings.Threads} verbose=-1 seed=0"),
            string.Create(CultureInfo.InvariantCulture, $"objective=regression boosting=rf bagging_fraction={BootstrapDistinctShare} bagging_freq=1 feature_fraction=1 max_depth={depth} num_leaves={Math.Max(leaves, 2)} lambda_l2=0"),
            trees);
    }
}
