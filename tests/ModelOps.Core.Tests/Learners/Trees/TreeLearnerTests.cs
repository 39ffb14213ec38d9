using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class TreeLearnerTests
{
    private static readonly FeatureStep[] Steps = [new PassthroughStep(["x", "z"])];

    private static Frame StepData(int n = 40)
    {
        // y = 10 when x > 0.5, else 0; z is noise.
        var x = new double[n];
        var z = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = i / (double)n;
            z[i] = (i * 7 % 11) / 11.0;
            y[i] = x[i] > 0.5 ? 10 : 0;
        }

        return new Frame(new Float64Column("x", x), new Float64Column("z", z), new Float64Column("y", y));
    }

    [Fact]
    public void DecisionTreeRegressor_StepFunction_SplitsAtMidpointBetweenValues()
    {
        var data = StepData();
        var model = new Model(Steps, new DecisionTreeRegressorOptions { MaxDepth = 1 });

        model.Fit(data, data["y"]);

        var tree = ((TreeEnsemble)model.Predictor!).Trees[0];
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal(0, tree.Features[0]);
        Assert.Equal((20 / 40.0 + 21 / 40.0) / 2, tree.Thresholds[0], 15);
        Assert.Equal([0.0, 10.0], model.Predict(new Frame(new Float64Column("x", [0.1, 0.9]), new Float64Column("z", [0.0, 0.0]))));
        Assert.Equal(new double[] { 40, 21, 19 }, tree.Covers.ToArray());
    }

    [Fact]
    public void DecisionTreeClassifier_Probabilities_AreLeafShares()
    {
        var frame = new Frame(
            new Float64Column("x", [1.0, 1.0, 1.0, 1.0, 2.0, 2.0]),
            new Float64Column("z", [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
            new Int64Column("label", [0L, 0L, 1L, 0L, 1L, 1L]));
        var model = new Model(Steps, new DecisionTreeClassifierOptions());

        model.Fit(frame, frame["label"]);

        Assert.Equal([0.25, 0.25, 0.25, 0.25, 1.0, 1.0], model.PredictProbability(frame));
        Assert.Equal([0.0, 0.0, 0.0, 0.0, 1.0, 1.0], model.Predict(frame));
    }

    [Fact]
    public void GradientBoosting_MissingValues_LearnDefaultDirection()
    {
        // Rows with x missing have y = 100; rows with x present follow a step. The learned default
        // direction must send missing values to the side whose values are largest.
        var n = 200;
        var x = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = i % 4 == 0 ? double.NaN : i;
            y[i] = i % 4 == 0 ? 100 : i < n / 2 ? 0 : 50;
        }

        var frame = new Frame(new Float64Column("x", x), new Float64Column("z", new double[n]), new Float64Column("y", y));
        var model = new Model(Steps, new GradientBoostingRegressorOptions { MaxIter = 50, LearningRate = 0.5, MinSamplesLeaf = 5 });

        model.Fit(frame, frame["y"]);
        var predictions = model.Predict(new Frame(new Float64Column("x", [double.NaN, 10, 190]), new Float64Column("z", [0.0, 0, 0])));

        Assert.Equal(100, predictions[0], 0.1);
        Assert.Equal(0, predictions[1], 0.1);
        Assert.Equal(50, predictions[2], 0.1);
    }

    [Fact]
    public void GradientBoostingClassifier_SeparableData_GivesCalibratedDirection()
    {
        var data = StepData(100);
        var labels = new Int64Column("label", Array.ConvertAll(data.Get<Float64Column>("y").Values.ToArray(), v => v > 0 ? 1L : 0L));
        var model = new Model(Steps, new GradientBoostingClassifierOptions { MaxIter = 20, MinSamplesLeaf = 5 });

        model.Fit(data, labels);
        var probabilities = model.PredictProbability(new Frame(new Float64Column("x", [0.1, 0.9]), new Float64Column("z", [0.5, 0.5])));

        Assert.True(probabilities[0] < 0.1, $"p(0.1) = {probabilities[0]}");
        Assert.True(probabilities[1] > 0.9, $"p(0.9) = {probabilities[1]}");
    }

    [Fact]
    public void GradientBoosting_EarlyStopping_StopsBeforeMaxIter()
    {
        var data = StepData(400);
        var model = new Model(Steps, new GradientBoostingRegressorOptions { MaxIter = 500, EarlyStopping = true, NIterNoChange = 3, MinSamplesLeaf = 5 });

        model.Fit(data, data["y"]);

        var trees = ((TreeEnsemble)model.Predictor!).Trees.Count;
        Assert.InRange(trees, 4, 499);
    }

    [Fact]
    public void GradientBoosting_MaxLeafNodes_LimitsEveryTree()
    {
        var bike = ShippedData.Bike.Head(3000);
        var model = new Model(
            [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)],
            new GradientBoostingRegressorOptions { MaxIter = 10, MaxLeafNodes = 7, MaxDepth = 3 });

        model.Fit(bike, bike["cnt"]);

        foreach (var tree in ((TreeEnsemble)model.Predictor!).Trees)
        {
            Assert.InRange(tree.LeafCount, 2, 7);
            Assert.InRange(tree.Depth, 1, 3);
        }
    }

    // The scores a fit carries from tree to tree (each row's leaf value added after every tree) must be the ensemble's
    // own predictions: a fit continued from the first tree's predictions then grows the same later trees. Up to 256
    // leaves a tree, the rows' leaf numbers are bytes; deeper trees add their values leaf by leaf.
    [Theory]
    [InlineData(31)]
    [InlineData(null)]
    public void GradientBoosting_ScoresCarriedBetweenTrees_AreTheEnsemblesPredictions(int? maxLeafNodes)
    {
        var bike = ShippedData.Bike.Head(6000);
        GradientBoostingRegressorOptions Options(int iterations) => new() { MaxIter = iterations, MaxLeafNodes = maxLeafNodes, MaxDepth = maxLeafNodes is null ? 16 : null, MinSamplesLeaf = 2 };
        FeatureStep[] steps = [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];
        var whole = new Model(steps, Options(3));
        whole.Fit(bike, bike["cnt"]);
        var first = new Model(steps, Options(1));
        first.Fit(bike, bike["cnt"]);

        var continued = first.Continue(bike, bike["cnt"], Options(2));

        var leaves = ((TreeEnsemble)whole.Predictor!).Trees[0].LeafCount;
        Assert.True(maxLeafNodes is null ? leaves > 256 : leaves == 31, $"{leaves} leaves");
        Assert.Equal(whole.PredictRaw(bike), continued.PredictRaw(bike));
    }

    [Fact]
    public void RandomForest_SameSeed_GivesByteIdenticalModelFile()
    {
        var bike = ShippedData.Bike.Head(2000);
        byte[] Train(int seed)
        {
            var model = new Model(
                [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)],
                new RandomForestRegressorOptions { NEstimators = 8, MaxDepth = 6, Seed = seed, MaxFeatures = "0.5" });
            model.Fit(bike, bike["cnt"]);
            return ModelFile.ToBytes(model);
        }

        var first = Train(7);

        Assert.Equal(first, Train(7));
        Assert.NotEqual(first, Train(8));
    }

    [Fact]
    public void GradientBoosting_SameSeed_GivesByteIdenticalModelFile()
    {
        var bike = ShippedData.Bike.Head(2000);
        byte[] Train()
        {
            var model = new Model(
                [new OneHotStep(ShippedData.BikeOneHot), new StandardScaleStep(["temp", "hum"]), new PassthroughStep(["hr", "yr"])],
                new GradientBoostingRegressorOptions { MaxIter = 20, EarlyStopping = true, Seed = 3 });
            model.Fit(bike, bike["cnt"]);
            return ModelFile.ToBytes(model);
        }

        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void RandomForestClassifier_Credit_ProbabilitiesWithinUnitInterval()
    {
        var credit = ShippedData.Credit;
        var model = new Model(
            [new OneHotStep(["checking_status", "credit_history", "purpose"]), new PassthroughStep(["duration", "credit_amount", "age"])],
            new RandomForestClassifierOptions { NEstimators = 20, MinSamplesLeaf = 3 });

        model.Fit(credit, credit["default"]);
        var probabilities = model.PredictProbability(credit);

        Assert.All(probabilities, p => Assert.InRange(p, 0.0, 1.0));
        Assert.Equal("sqrt", model.GetParameter("max_features"));
    }

    [Theory]
    [InlineData("learning_rate", 0.0, "GradientBoostingRegressor: learning_rate = 0: must be greater than 0 and at most 1.")]
    [InlineData("max_bins", 300, "GradientBoostingRegressor: max_bins = 300: must be at least 2 and at most 255.")]
    [InlineData("max_iter", 0, "GradientBoostingRegressor: max_iter = 0: must be at least 1 and at most 100000.")]
    [InlineData("l2_regularization", -1.0, "GradientBoostingRegressor: l2_regularization = -1: must be at least 0.")]
    [InlineData("validation_fraction", 1.0, "GradientBoostingRegressor: validation_fraction = 1: must be greater than 0 and less than 1.")]
    public void Validate_OutOfRange_NamesParameterAndRange(string name, object value, string message)
    {
        var options = new GradientBoostingRegressorOptions().WithParameter(name, value);

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsThemAll()
    {
        var options = new RandomForestRegressorOptions { NEstimators = 0, MaxFeatures = "half", MinSamplesLeaf = 0 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(
            "RandomForestRegressor: min_samples_leaf = 0: must be at least 1; n_estimators = 0: must be at least 1 and at most 100000; " +
            "max_features = half: must be all, sqrt, log2, a fraction such as 0.5, or a count such as 5.",
            error.Message);
    }

    [Fact]
    public void Fit_InvalidParameter_FailsBeforeTraining()
    {
        var data = StepData();
        var model = new Model(Steps, new GradientBoostingRegressorOptions { LearningRate = -0.1 });

        var error = Assert.Throws<ArgumentException>(() => model.Fit(data, data["y"]));

        Assert.Equal("GradientBoostingRegressor: learning_rate = -0.1: must be greater than 0 and at most 1.", error.Message);
    }
}
