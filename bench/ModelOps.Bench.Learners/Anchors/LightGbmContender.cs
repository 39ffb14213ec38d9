using System.Globalization;
using ModelOps.Bench.Learners.Interop;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>
/// LightGBM 4.7.0 through its C API in this process: LGBM_DatasetCreateFromMat on the row-major
/// float64 feature matrix (the binning is part of the fit, as ModelOps's is), LGBM_BoosterCreate and
/// LGBM_BoosterUpdateOneIter for each iteration; LGBM_BoosterPredictForMat on the test matrix.
/// Everything else is LightGBM's default (min_sum_hessian_in_leaf 1e-3, which 20 rows of hessian 1 pass;
/// bin_construct_sample_cnt 200,000; min_data_in_bin 3; the row-/column-wise histogram choice it makes itself).
/// </summary>
internal sealed class LightGbmContender : IContender
{
    public string Tool => "LightGBM";

    public string Model => "boosting";

    public unsafe IFittedRegressor Fit(BenchData data, BoostingSettings settings)
    {
        var common = string.Create(CultureInfo.InvariantCulture, $"max_bin={settings.Bins} min_data_in_leaf={settings.MinRowsLeaf} num_threads={settings.Threads} verbose=-1 seed=0");
        var matrix = data.TrainMatrix;
        DatasetHandle dataset;
        fixed (double* x = matrix.Values)
        {
            LightGbmNative.Check(LightGbmNative.DatasetCreateFromMat(x, LightGbmNative.Float64, matrix.Rows, matrix.Columns, 1, common, 0, out dataset), "LGBM_DatasetCreateFromMat");
        }

        var labels = Array.ConvertAll(data.TrainLabels, v => (float)v);
        fixed (float* y = labels)
        {
            LightGbmNative.Check(LightGbmNative.DatasetSetField(dataset, "label", y, labels.Length, LightGbmNative.Float32), "LGBM_DatasetSetField");
        }

        var parameters = string.Create(CultureInfo.InvariantCulture, $"objective=regression num_leaves={settings.Leaves} learning_rate={settings.LearningRate} lambda_l2=0 {common}");
        LightGbmNative.Check(LightGbmNative.BoosterCreate(dataset, parameters, out var booster), "LGBM_BoosterCreate");
        for (var i = 0; i < settings.Iterations; i++)
        {
            LightGbmNative.Check(LightGbmNative.BoosterUpdateOneIter(booster, out var finished), "LGBM_BoosterUpdateOneIter");
            if (finished != 0)
            {
                break;
            }
        }

        return new Fitted(dataset, booster, data, settings.Threads);
    }

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
