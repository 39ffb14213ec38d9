using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Explain;

public sealed class PreparedShapExplainerTests
{
    private static readonly string[] SmallBike = ["hr", "temp", "hum", "workingday", "yr", "weathersit", "season", "windspeed"];
    private static readonly string[] CreditText = ["checking_status", "credit_history", "purpose", "savings_status", "employment", "personal_status", "other_parties", "property_magnitude", "other_payment_plans", "housing", "job", "own_telephone", "foreign_worker"];
    private static readonly string[] CreditNumeric = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];
    private static readonly Lazy<Model> BikeBoosting = new(() =>
    {
        // The serving case: best-first boosting with 31 leaves, the paths deep (as configs/bike/training.yaml).
        var bike = ShippedData.Bike.Head(6000);
        var model = new Model([new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)], new GradientBoostingRegressorOptions { MaxIter = 40, MaxLeafNodes = 31 });
        model.Fit(bike, bike["cnt"]);
        return model;
    });

    [Theory]
    [InlineData("DecisionTreeRegressor")]
    [InlineData("RandomForestRegressor")]
    [InlineData("RandomForestClassifier")]
    [InlineData("GradientBoostingRegressor")]
    [InlineData("GradientBoostingClassifier")]
    public void Explain_TreesOnEightFeatures_PreparedEqualsOneShotAndBruteForce(string kind)
    {
        var learner = LearnerCatalog.Create(kind) switch
        {
            RandomForestOptions forest => forest with { NEstimators = 8, MaxDepth = 12 },
            TreeLearnerOptions tree => tree with { MaxDepth = 12 },
            GradientBoostingOptions boosting => boosting with { MaxIter = 15, MaxLeafNodes = 31 },
            var other => other,
        };
        var bike = ShippedData.Bike.Head(4000);
        Column target = learner.Task == ModelTask.Regression
            ? bike["cnt"]
            : new Int64Column("busy", Array.ConvertAll(bike.Get<Int64Column>("cnt").Values.ToArray(), c => c > 150 ? 1L : 0L));
        var model = new Model([new PassthroughStep(SmallBike)], learner);
        model.Fit(bike, target);
        var rows = bike.Take([0, 7, 100, 555, 1234, 2000, 3999]);

        var prepared = ShapExplainer.Prepare(model, ShapLevel.Feature);
        var shap = prepared.Explain(rows);
        var oneShot = ShapExplainer.Explain(model, rows, ShapLevel.Feature);

        var ensemble = (TreeEnsemble)model.Predictor!;
        var features = model.Pipeline!.Transform(rows);
        Assert.Equal(oneShot.BaseValue, shap.BaseValue);
        for (var r = 0; r < features.Rows; r++)
        {
            var expected = BruteForce.Shapley(ensemble, features.Row(r).ToArray());
            for (var j = 0; j < expected.Length; j++)
            {
                Assert.True(Close(expected[j], shap.Row(r)[j]), $"row {r} feature {SmallBike[j]}: brute force {expected[j]}, prepared {shap.Row(r)[j]}");
                Assert.True(Close(oneShot.Row(r)[j], shap.Row(r)[j]), $"row {r} feature {SmallBike[j]}: one-shot {oneShot.Row(r)[j]}, prepared {shap.Row(r)[j]}");
            }
        }
    }

    [Theory]
    [InlineData("GradientBoostingRegressor", 31)]
    [InlineData("RandomForestRegressor", 14)]
    [InlineData("DecisionTreeClassifier", 20)]
    [InlineData("RandomForestClassifier", 20)]
    [InlineData("GradientBoostingClassifier", 31)]
    public void Explain_EveryMethod_EqualsAlgorithmTwo(string kind, int size)
    {
        var learner = LearnerCatalog.Create(kind) switch
        {
            RandomForestOptions forest => forest with { NEstimators = 4, MaxDepth = size },
            TreeLearnerOptions tree => tree with { MaxDepth = size },
            GradientBoostingOptions boosting => boosting with { MaxIter = 20, MaxLeafNodes = size },
            var other => other,
        };
        var classification = learner.Task == ModelTask.BinaryClassification;
        var data = classification ? ShippedData.Credit : ShippedData.Bike.Head(5000);
        FeatureStep[] steps = classification
            ? [new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)]
            : [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];
        var model = new Model(steps, learner);
        model.Fit(data, data[classification ? "default" : "cnt"]);
        var features = model.Pipeline!.Transform(data.Head(150));

        var reference = ShapExplainer.Explain(model.Predictor!, features, TreeShapMethod.AlgorithmTwo);
        foreach (var method in new[] { TreeShapMethod.Linear, TreeShapMethod.Tables, TreeShapMethod.Auto })
        {
            var values = ShapExplainer.Explain(model.Predictor!, features, method);

            Assert.Equal(reference.BaseValue, values.BaseValue);
            for (var i = 0; i < reference.Values.Length; i++)
            {
                Assert.True(Close(reference.Values[i], values.Values[i]), $"{method}, value {i}: Algorithm 2 {reference.Values[i]}, {values.Values[i]}");
            }
        }
    }

    [Fact]
    public void Explain_BatchOfMatrices_EachEqualsItsMatrixExplainedAlone()
    {
        var model = BikeBoosting.Value;
        var prepared = ShapExplainer.Prepare(model);
        var features = model.Pipeline!.Transform(ShippedData.Bike.Head(100));
        // 37 rows in matrices of 1 to 9 rows: the 16-row chunks cut across matrices.
        var sizes = new[] { 1, 9, 3, 1, 7, 2, 5, 9 };
        var batch = new List<FeatureMatrix>();
        var start = 0;
        foreach (var size in sizes)
        {
            batch.Add(features.TakeRows([.. Enumerable.Range(start, size)]));
            start += size;
        }

        var together = prepared.Explain(batch);

        Assert.Equal(sizes.Length, together.Length);
        for (var i = 0; i < batch.Count; i++)
        {
            var alone = prepared.Explain(batch[i]);
            Assert.Equal(sizes[i], together[i].Rows);
            Assert.Equal(alone.Names, together[i].Names);
            Assert.Equal(alone.BaseValue, together[i].BaseValue);
            Assert.Equal(alone.Values.ToArray(), together[i].Values.ToArray());
        }
    }

    [Fact]
    public void Explain_BatchWithAMatrixOfOtherWidth_ThrowsNamingBothWidths()
    {
        var model = BikeBoosting.Value;
        var prepared = ShapExplainer.Prepare(model);
        var features = model.Pipeline!.Transform(ShippedData.Bike.Head(2));
        var narrow = new FeatureMatrix(new double[3], 1, ["a", "b", "c"]);

        var error = Assert.Throws<ArgumentException>(() => prepared.Explain([features, narrow]));

        Assert.Equal($"The model needs {features.Columns} features but a matrix of the batch has 3. (Parameter 'batch')", error.Message);
    }

    [Fact]
    public void Explain_DeepBestFirstBoosting_LocalAccuracyOnEveryRow()
    {
        var model = BikeBoosting.Value;
        var rows = ShippedData.Bike.Head(2000);
        var prepared = ShapExplainer.Prepare(model);

        var shap = prepared.Explain(rows);
        var raw = model.PredictRaw(rows);

        Assert.Equal(["season", "weathersit", "yr", "mnth", "hr", "holiday", "weekday", "workingday", "temp", "atemp", "hum", "windspeed"], shap.Names);
        ShapAssert.AddsUpToRawOutput(shap, raw, 1e-9);
    }

    [Theory]
    [InlineData("Ridge")]
    [InlineData("LogisticRegression")]
    public void Explain_Linear_PreparedEqualsOneShot(string kind)
    {
        var learner = LearnerCatalog.Create(kind);
        var classification = learner.Task == ModelTask.BinaryClassification;
        var data = classification ? ShippedData.Credit : ShippedData.Bike.Head(2000);
        FeatureStep[] steps = classification
            ? [new OneHotStep(CreditText), new StandardScaleStep(CreditNumeric)]
            : [new OneHotStep(ShippedData.BikeOneHot), new PassthroughStep(ShippedData.BikeNumeric)];
        var model = new Model(steps, learner);
        model.Fit(data, data[classification ? "default" : "cnt"]);
        var rows = data.Head(50);

        var prepared = ShapExplainer.Prepare(model).Explain(rows);
        var oneShot = ShapExplainer.Explain(model, rows);
        var raw = model.PredictRaw(rows);

        Assert.Equal(oneShot.Names, prepared.Names);
        Assert.Equal(oneShot.BaseValue, prepared.BaseValue);
        Assert.Equal(oneShot.Values.ToArray(), prepared.Values.ToArray());
        for (var r = 0; r < rows.RowCount; r++)
        {
            var sum = prepared.BaseValue;
            foreach (var v in prepared.Row(r))
            {
                sum += v;
            }

            Assert.Equal(raw[r], sum, 9);
        }
    }

    [Fact]
    public void Explain_ParallelCallsOnOneExplainer_GiveTheSequentialValues()
    {
        var model = BikeBoosting.Value;
        var prepared = ShapExplainer.Prepare(model);
        var features = model.Pipeline!.Transform(ShippedData.Bike.Head(400));
        var sequential = new double[features.Rows][];
        for (var r = 0; r < features.Rows; r++)
        {
            sequential[r] = new double[prepared.Names.Count];
            prepared.Explain(features.Row(r), sequential[r]);
        }

        // A second, smaller explainer on the same threads: the per-thread scratch must serve both.
        var small = new Model([new PassthroughStep(["hr", "temp"])], new GradientBoostingRegressorOptions { MaxIter = 5, MaxLeafNodes = 4 });
        small.Fit(ShippedData.Bike.Head(2000), ShippedData.Bike.Head(2000)["cnt"]);
        var smallPrepared = ShapExplainer.Prepare(small);
        var smallRows = small.Pipeline!.Transform(ShippedData.Bike.Head(400));
        var smallExpected = smallPrepared.Explain(smallRows, maxDegreeOfParallelism: 1);

        var parallel = new double[features.Rows * 8][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var r = i % features.Rows;
            var values = new double[prepared.Names.Count];
            prepared.Explain(features.Row(r), values);
            var smallValues = new double[smallPrepared.Names.Count];
            smallPrepared.Explain(smallRows.Row(r), smallValues);
            Assert.Equal(smallExpected.Row(r).ToArray(), smallValues);
            parallel[i] = values;
        });
        var batches = new ShapValues[4];
        Parallel.For(0, batches.Length, b => batches[b] = prepared.Explain(features));

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % features.Rows], parallel[i]);
        }

        foreach (var batch in batches)
        {
            for (var r = 0; r < features.Rows; r++)
            {
                Assert.Equal(sequential[r], batch.Row(r).ToArray());
            }
        }
    }

    [Fact]
    public void Explain_SpanOverload_WritesTheRowOfTheBatchAtEitherLevel()
    {
        var model = BikeBoosting.Value;
        var rows = ShippedData.Bike.Take([3, 333, 3333]);
        var features = model.Pipeline!.Transform(rows);
        foreach (var level in new[] { ShapLevel.Input, ShapLevel.Feature })
        {
            var prepared = ShapExplainer.Prepare(model, level);
            var batch = prepared.Explain(rows);
            var values = new double[prepared.Names.Count];
            Array.Fill(values, 99.0);

            for (var r = 0; r < rows.RowCount; r++)
            {
                prepared.Explain(features.Row(r), values);
                Assert.Equal(batch.Row(r).ToArray(), values);
            }

            // 17 features: weather situation 4 does not occur in the first 6,000 hours.
            Assert.Equal(level == ShapLevel.Input ? 12 : 17, prepared.Names.Count);
            Assert.Equal(level, prepared.Level);
            Assert.Equal(17, prepared.FeatureCount);
        }
    }

    [Fact]
    public void Explain_WrongLengths_ThrowNamingBoth()
    {
        var prepared = ShapExplainer.Prepare(BikeBoosting.Value);

        var row = Assert.Throws<ArgumentException>(() => prepared.Explain(new double[16], new double[12]));
        var values = Assert.Throws<ArgumentException>(() => prepared.Explain(new double[17], new double[17]));
        var matrix = Assert.Throws<ArgumentException>(() => prepared.Explain(new FeatureMatrix(new double[4], 2, ["a", "b"])));

        Assert.Equal("The model needs 17 features but the row has 16. (Parameter 'features')", row.Message);
        Assert.Equal("The explainer writes 12 values per row but the span has 17. (Parameter 'values')", values.Message);
        Assert.Equal("The model needs 17 features but the matrix has 2. (Parameter 'features')", matrix.Message);
    }

    [Fact]
    public void Prepare_UnfittedModel_Throws()
    {
        var model = new Model([new PassthroughStep(["hr"])], new GradientBoostingRegressorOptions());

        var error = Assert.Throws<InvalidOperationException>(() => ShapExplainer.Prepare(model));

        Assert.Equal("The GradientBoostingRegressor model is not fitted; call Fit first.", error.Message);
    }

    [Fact]
    public void Prepare_FromPredictor_ExplainsMatricesButNotFrames()
    {
        var model = BikeBoosting.Value;
        var prepared = ShapExplainer.Prepare(model.Predictor!);
        var rows = ShippedData.Bike.Head(3);

        var error = Assert.Throws<InvalidOperationException>(() => prepared.Explain(rows));
        var values = prepared.Explain(model.Pipeline!.Transform(rows));

        Assert.Equal("This explainer was prepared from a predictor without a feature pipeline; explain a FeatureMatrix instead.", error.Message);
        Assert.Equal(model.FeatureNames, values.Names);
        Assert.Equal(ShapExplainer.Prepare(model, ShapLevel.Feature).Explain(rows).Values.ToArray(), values.Values.ToArray());
    }

    [Fact]
    public void Prepare_TableBudget_BoundsTheTablesAndKeepsTheValues()
    {
        var model = BikeBoosting.Value;
        var rows = ShippedData.Bike.Head(100);

        var none = ShapExplainer.Prepare(model, ShapLevel.Input, tableBudgetBytes: 0);
        var tables = ShapExplainer.Prepare(model, ShapLevel.Input, 1L << 20, TreeShapMethod.Tables);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => ShapExplainer.Prepare(model, ShapLevel.Input, -1));

        Assert.Equal(0, none.TableBytes);
        Assert.InRange(tables.TableBytes, 1, 1L << 20);
        Assert.Equal("tableBudgetBytes", negative.ParamName);
        var a = none.Explain(rows);
        var b = tables.Explain(rows);
        for (var i = 0; i < a.Values.Length; i++)
        {
            Assert.True(Close(a.Values[i], b.Values[i]), $"value {i}: no tables {a.Values[i]}, tables {b.Values[i]}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(16)]
    public void GaussLegendre_IntegratesPowersUpToTwiceTheNodesMinusOneExactly(int n)
    {
        var (points, weights) = GaussLegendre.OnUnitInterval(n);

        for (var k = 0; k < 2 * n; k++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += weights[i] * Math.Pow(points[i], k);
            }

            Assert.True(Math.Abs(sum - (1.0 / (k + 1))) <= 1e-14, $"n = {n}, t^{k}: {sum}, exact {1.0 / (k + 1)}");
        }

        Assert.All(points, t => Assert.InRange(t, 0.0, 1.0));
    }

    private static bool Close(double expected, double actual) => Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected));
}
