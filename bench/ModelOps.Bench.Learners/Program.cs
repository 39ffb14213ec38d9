using System.Globalization;
using System.Text.Json;
using ModelOps.Bench.Learners.Anchors;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Randomness;
using ModelOps.Core.Splitting;
using ModelOps.Jobs.Datasets;

// The ModelOps side of the learners benchmark; bench/learners.sh runs it next to
// bench/learners_reference.py (scikit-learn, XGBoost) on the same data and parameters.
// "digest" prints the SHA-256 of model files fitted with fixed seeds, of their predictions and of SHAP values (first 20,000 rows) on the
// training rows, to check that a speed change leaves models and predictions bit for bit as they were.
// "transform" times the synthetic forest's pipeline transform, its trees alone and both.
// Usage: ModelOps.Bench.Learners quality|speed|shap|shap-setup|shap-round|digest|transform [--rows N] [--root DIR] [--only bike|synthetic] [--repeats N]
//        speed [--threads N] [--round N] [--forest] [--no-boosting]
// shap-setup, shap-round [--threads N] [--round N] and shap (the serving case) are the .NET side of bench/shap.sh (see
// ShapBench); shap reads SHAP_REPEATS=N (runs of its best-of timings, default 3).
// "speed" is one round of the alternating run of bench/learners.sh: ModelOps, LightGBM (C API) and ML.NET's FastTree and
// LightGbm fit in turn (--repeats each, default 5 on the bike data, 1 on the synthetic data) with --threads
// threads, --round N turns the order; --forest adds the forests (ModelOps's and LightGBM's boosting=rf), --no-boosting
// leaves the boosters out. See Anchors/SpeedBench.cs.
var mode = args.Length > 0 ? args[0] : "quality";
var rows = Option("--rows", 1_000_000);
var fitRepeats = Option("--repeats", 0);
var root = args.Contains("--root") ? args[Array.IndexOf(args, "--root") + 1] : ".";
var only = args.Contains("--only") ? args[Array.IndexOf(args, "--only") + 1] : null;
string[] bikeOneHot = ["season", "weathersit"];
string[] bikeNumeric = ["yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"];
string[] creditText = ["checking_status", "credit_history", "purpose", "savings_status", "employment", "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker"];
string[] creditNumeric = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];

var bike = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
var trainRows = (int)(bike.RowCount * 0.8);
var bikeTrain = bike.Take(Range(0, trainRows));
var bikeTest = bike.Take(Range(trainRows, bike.RowCount));
FeatureStep[] bikeSteps = [new OneHotStep(bikeOneHot), new PassthroughStep(bikeNumeric)];

if (mode == "gbm-diagnosis")
{
    ModelOps.Bench.Learners.Diagnosis.QualityDiagnosis.Run(args, Synthetic, bikeTrain, bikeTest, bikeSteps);
    return;
}

if (mode == "transform")
{
    // Where a forest's predictions on the synthetic rows go: the pipeline's transform (signature
    // check and whole matrix), the trees alone, and both (blocks in cache), best of 3 each.
    var (frame, names) = Synthetic(rows);
    var forest = Fit([new PassthroughStep(names)], new RandomForestRegressorOptions { NEstimators = 10, MaxDepth = 10 }, frame, "y");
    var matrix = forest.Pipeline!.Transform(frame);
    var output = new double[matrix.Rows];
    Emit("synthetic transform", "seconds", ModelOps.Bench.Learners.ShapBench.Best(() => forest.Pipeline!.Transform(frame)));
    Emit("synthetic forest trees alone", "seconds", ModelOps.Bench.Learners.ShapBench.Best(() => forest.Predictor!.PredictRaw(matrix, output)));
    Emit("synthetic forest PredictRaw(frame)", "seconds", ModelOps.Bench.Learners.ShapBench.Best(() => forest.PredictRaw(frame)));
    return;
}

if (mode == "digest")
{
    var (synthetic, features) = Synthetic(Math.Min(rows, 200_000));
    FeatureStep[] syntheticSteps = [new PassthroughStep(features)];
    var credit = Dataset.ReadCsv(Path.Combine(root, "data", "german_credit", "german_credit.csv"));
    FeatureStep[] creditSteps = [new OneHotStep(creditText), new StandardScaleStep(creditNumeric)];
    var fits = new (string Name, FeatureStep[] Steps, LearnerOptions Learner, Frame Train, string Target)[]
    {
        ("bike forest", bikeSteps, new RandomForestRegressorOptions { NEstimators = 20, MaxDepth = 12 }, bikeTrain, "cnt"),
        ("bike boosting", bikeSteps, new GradientBoostingRegressorOptions { MaxIter = 50, LearningRate = 0.1, MaxLeafNodes = 31 }, bikeTrain, "cnt"),
        ("credit boosting", creditSteps, new GradientBoostingClassifierOptions { MaxIter = 30 }, credit, "default"),
        ("synthetic forest", syntheticSteps, new RandomForestRegressorOptions { NEstimators = 4, MaxDepth = 10 }, synthetic, "y"),
        ("synthetic boosting", syntheticSteps, new GradientBoostingRegressorOptions { MaxIter = 20, LearningRate = 0.1, MaxLeafNodes = 31 }, synthetic, "y"),
    };
    foreach (var (name, steps, learner, train, target) in fits)
    {
        var model = Fit(steps, learner, train, target);
        var bytes = ModelFile.ToBytes(model);
        var predictions = System.Runtime.InteropServices.MemoryMarshal.AsBytes(model.PredictRaw(train).AsSpan());
        var shap = System.Runtime.InteropServices.MemoryMarshal.AsBytes(ShapExplainer.Prepare(model).Explain(train.Take(Enumerable.Range(0, Math.Min(train.RowCount, 20_000)).ToArray())).Values);
        Console.WriteLine($"{name}: model {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))} predictions {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(predictions))} shap {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(shap))}");
    }
}
else if (mode == "shap")
{
    ModelOps.Bench.Learners.ShapBench.Run(root);
}
else if (mode == "shap-setup")
{
    ModelOps.Bench.Learners.ShapBench.Setup(root);
}
else if (mode == "shap-round")
{
    ModelOps.Bench.Learners.ShapBench.Round(root, Option("--threads", Environment.ProcessorCount), Option("--round", 1));
}
else if (mode == "quality")
{
    var rf = Fit(bikeSteps, new RandomForestRegressorOptions { NEstimators = 200, MaxDepth = 20 }, bikeTrain, "cnt");
    Emit("bike RandomForestRegressor", "rmse", Rmse(rf, bikeTest));
    var gb = Fit(bikeSteps, new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1, MaxLeafNodes = 31 }, bikeTrain, "cnt");
    Emit("bike GradientBoostingRegressor", "rmse", Rmse(gb, bikeTest));

    var credit = Dataset.ReadCsv(Path.Combine(root, "data", "german_credit", "german_credit.csv"));
    var labels = credit.Get<Int64Column>("default");
    var labelValues = new double[labels.Length];
    for (var i = 0; i < labelValues.Length; i++)
    {
        labelValues[i] = labels[i];
    }

    FeatureStep[] creditSteps = [new OneHotStep(creditText), new StandardScaleStep(creditNumeric)];
    foreach (var learner in new[] { LearnerCatalog.Create("LogisticRegression"), new GradientBoostingClassifierOptions() })
    {
        var folds = Splitter.Create(new StratifiedKFoldOptions { NSplits = 5 }).Split(credit.RowCount, labelValues);
        var auc = MetricCatalog.Get("roc_auc");
        var total = 0.0;
        foreach (var fold in folds)
        {
            var train = credit.Take(fold.Train.Span);
            var test = credit.Take(fold.Test.Span);
            var model = Fit(creditSteps, learner, train, "default");
            var actual = Array.ConvertAll(test.Get<Int64Column>("default").Values.ToArray(), v => (double)v);
            total += auc.Score(actual, model.PredictProbability(test));
        }

        Emit($"credit {learner.Kind}", "cv_roc_auc", total / folds.Count);
    }
}
else
{
    // speed: one round of the alternating run (see SpeedBench); bench/learners.sh runs the rounds.
    // Synthetic: the first --rows rows train and the next rows / 5 test, from one SplitMix64 stream.
    var threads = Option("--threads", Environment.ProcessorCount);
    var round = Option("--round", 1);
    var cases = new List<SpeedCase>();
    if (only is null or "bike")
    {
        cases.Add(new SpeedCase(Prepare("bike", bikeSteps, bikeTrain, bikeTest, "cnt"), 300, fitRepeats > 0 ? fitRepeats : 5, 10, 200, 20));
    }

    if (only is null or "synthetic")
    {
        var testRows = rows / 5;
        var (frame, names) = Synthetic(rows + testRows);
        cases.Add(new SpeedCase(Prepare("synthetic", [new PassthroughStep(names)], frame.Take(Range(0, rows)), frame.Take(Range(rows, rows + testRows)), "y"), 100, fitRepeats > 0 ? fitRepeats : 1, 3, 10, 10));
    }

    SpeedBench.Run(cases, threads, round, boosting: !args.Contains("--no-boosting"), forest: args.Contains("--forest"));
}

static BenchData Prepare(string name, FeatureStep[] steps, Frame train, Frame test, string target)
{
    var pipeline = FeaturePipeline.Fit(steps, train);
    return new BenchData(name, train, test, target, steps, pipeline.Transform(train), BenchData.Labels(train, target), pipeline.Transform(test), BenchData.Labels(test, target));
}

static Model Fit(FeatureStep[] steps, LearnerOptions learner, Frame train, string target)
{
    var model = new Model(steps, learner);
    model.Fit(train, train[target]);
    return model;
}

static double Rmse(Model model, Frame test)
{
    var predictions = model.Predict(test);
    var actual = test.Get<Int64Column>("cnt");
    var sum = 0.0;
    for (var i = 0; i < predictions.Length; i++)
    {
        sum += (predictions[i] - actual[i]) * (predictions[i] - actual[i]);
    }

    return Math.Sqrt(sum / predictions.Length);
}

// Friedman #1 on SplitMix64 uniforms, number for number what learners_reference.py generates.
static (Frame Frame, string[] Features) Synthetic(int rows, int p = 20)
{
    var columns = new double[p + 1][];
    for (var j = 0; j <= p; j++)
    {
        columns[j] = new double[rows];
    }

    // Seed 0: the k-th draw mixes k * 0x9E3779B97F4A7C15, as the NumPy side computes it.
    var random = new SplitMix64(0);
    for (var i = 0; i < rows; i++)
    {
        for (var j = 0; j <= p; j++)
        {
            columns[j][i] = random.NextDouble();
        }
    }

    var x = columns;
    var y = new double[rows];
    for (var i = 0; i < rows; i++)
    {
        y[i] = (10 * Math.Sin(Math.PI * x[0][i] * x[1][i])) + (20 * (x[2][i] - 0.5) * (x[2][i] - 0.5)) + (10 * x[3][i]) + (5 * x[4][i]) + x[p][i];
    }

    var names = new string[p];
    var frameColumns = new List<Column>();
    for (var j = 0; j < p; j++)
    {
        names[j] = $"x{j}";
        frameColumns.Add(new Float64Column(names[j], x[j]));
    }

    frameColumns.Add(new Float64Column("y", y));
    return (new Frame(frameColumns), names);
}

static int[] Range(int from, int to)
{
    var result = new int[to - from];
    for (var i = 0; i < result.Length; i++)
    {
        result[i] = from + i;
    }

    return result;
}

static void Emit(string name, string metric, double value) =>
    Console.WriteLine(JsonSerializer.Serialize(new { name, metric, value }));

int Option(string name, int fallback) =>
    args.Contains(name) ? int.Parse(args[Array.IndexOf(args, name) + 1], CultureInfo.InvariantCulture) : fallback;
