using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace ModelOps.Bench.Learners.Anchors;

/// <summary>
/// ML.NET 6.0's FastTree and LightGbm regression trainers. ML.NET takes float32 features and labels
/// (the others float64): the rows are converted once per data set, outside the timings, and the fit
/// reads them through an IDataView, as an ML.NET user's would. Threads: NumberOfThreads (and
/// DOTNET_PROCESSOR_COUNT for ML.NET's own parallel loops). Every fit gets a new MLContext seeded 0:
/// ML.NET's LightGbm picks the rows its bins are built from with the context's random generator, so
/// with one shared context each fit drew another sample (its test RMSE moved from fit to fit, with the
/// order of the tools in a round) instead of the same one.
/// </summary>
internal abstract class MlNetContender : IContender
{
    private static readonly MLContext DataContext = new(seed: 0);
    private static readonly Dictionary<BenchData, (IDataView Train, IDataView Test)> Views = [];

    public abstract string Tool { get; }

    public string Model => "boosting";

    public IFittedRegressor Fit(BenchData data, BoostingSettings settings)
    {
        var (train, test) = ViewsOf(data);
        var transformer = Trainer(new MLContext(seed: 0), settings).Fit(train);
        return new Fitted(transformer, test);
    }

    private protected abstract IEstimator<ITransformer> Trainer(MLContext context, BoostingSettings settings);

    private static (IDataView Train, IDataView Test) ViewsOf(BenchData data)
    {
        if (!Views.TryGetValue(data, out var views))
        {
            views = (View(data.TrainMatrix, data.TrainLabels), View(data.TestMatrix, data.TestLabels));
            Views[data] = views;
        }

        return views;
    }

    private static IDataView View(ModelOps.Core.Learning.FeatureMatrix matrix, double[] labels)
    {
        var rows = new MlRow[matrix.Rows];
        for (var i = 0; i < rows.Length; i++)
        {
            var features = new float[matrix.Columns];
            var row = matrix.Row(i);
            for (var j = 0; j < features.Length; j++)
            {
                features[j] = (float)row[j];
            }

            rows[i] = new MlRow { Label = (float)labels[i], Features = features };
        }

        var schema = SchemaDefinition.Create(typeof(MlRow));
        schema[nameof(MlRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, matrix.Columns);
        return DataContext.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class Fitted(ITransformer transformer, IDataView test) : IFittedRegressor
    {
        public double[] PredictTest()
        {
            var scored = transformer.Transform(test);
            var result = new List<double>();
            foreach (var score in scored.GetColumn<float>("Score"))
            {
                result.Add(score);
            }

            return [.. result];
        }

        public void Dispose() => (transformer as IDisposable)?.Dispose();
    }

    private sealed class MlRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}

/// <summary>ML.NET FastTree: NumberOfTrees, NumberOfLeaves, LearningRate, MinimumExampleCountPerLeaf, MaximumBinCountPerFeature as the others; no L2 option.</summary>
internal sealed class MlNetFastTree : MlNetContender
{
    public override string Tool => "ML.NET FastTree";

    private protected override IEstimator<ITransformer> Trainer(MLContext context, BoostingSettings settings) =>
        context.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = settings.Iterations,
            NumberOfLeaves = settings.Leaves,
            LearningRate = settings.LearningRate,
            MinimumExampleCountPerLeaf = settings.MinRowsLeaf,
            MaximumBinCountPerFeature = settings.Bins,
            NumberOfThreads = settings.Threads,
            Seed = 0,
        });
}

/// <summary>ML.NET's LightGbm trainer (the same native library as <see cref="LightGbmContender"/>), L1 and L2 set to 0 (ML.NET's own default L2 is 0.01).</summary>
internal sealed class MlNetLightGbm : MlNetContender
{
    public override string Tool => "ML.NET LightGbm";

    private protected override IEstimator<ITransformer> Trainer(MLContext context, BoostingSettings settings) =>
        context.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = settings.Iterations,
            NumberOfLeaves = settings.Leaves,
            LearningRate = settings.LearningRate,
            MinimumExampleCountPerLeaf = settings.MinRowsLeaf,
            MaximumBinCountPerFeature = settings.Bins,
            NumberOfThreads = settings.Threads,
            Seed = 0,
            Booster = new GradientBooster.Options { L2Regularization = 0, L1Regularization = 0 },
        });
}
