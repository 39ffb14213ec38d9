using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Core.Schemas;

namespace ModelOps.Core.Tests.Models;

public sealed class ModelTests
{
    private static readonly FeatureStep[] Steps = [new OneHotStep(["city"]), new PassthroughStep(["x"])];

    private static Frame Data() => new(
        new StringColumn("city", ["a", "b", "a", "c", "b", "a"]),
        new Float64Column("x", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        new Float64Column("y", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        new Int64Column("label", [0L, 1L, 0L, 1L, 1L, 0L]));

    [Fact]
    public void PredictRaw_ManyRowsInBlocks_EqualsTheWholeMatrixPredicted()
    {
        // 1,300 rows: two full blocks of 512 and a partial one, through one-hot, scaling and passthrough.
        var bike = ShippedData.Bike.Head(1300);
        var model = new Model(
            [new OneHotStep(ShippedData.BikeOneHot), new StandardScaleStep(["temp", "hum"]), new PassthroughStep(["hr", "weekday", "windspeed"])],
            new GradientBoostingRegressorOptions { MaxIter = 20 });
        model.Fit(bike, bike["cnt"]);

        var blocks = model.PredictRaw(bike);
        var matrix = model.Pipeline!.Transform(bike);
        var whole = new double[matrix.Rows];
        model.Predictor!.PredictRaw(matrix, whole);

        Assert.Equal(whole, blocks);
    }

    [Fact]
    public void Fit_TargetWithNaN_NamesRows()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var data = Data();

        var error = Assert.Throws<TrainingDataException>(() => model.Fit(data, new Float64Column("y", [1.0, double.NaN, 3.0, double.PositiveInfinity, null, 6.0])));

        Assert.Equal("The target 'y' has 3 rows that are null, NaN or infinite: row 1 = NaN, row 3 = Infinity, row 4 = null; targets must be finite numbers.", error.Message);
    }

    [Fact]
    public void Fit_EmptyTrainingSet_SaysSo()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var empty = Data().Take([]);

        var error = Assert.Throws<TrainingDataException>(() => model.Fit(empty, empty["y"]));

        Assert.Equal("The training set is empty: a model needs at least one row.", error.Message);
    }

    [Fact]
    public void Fit_ClassifierWithLabelTwo_NamesRow()
    {
        var model = new Model(Steps, new GradientBoostingClassifierOptions());
        var data = Data();

        var error = Assert.Throws<TrainingDataException>(() => model.Fit(data, new Int64Column("label", [0L, 1L, 2L, 0L, 1L, 0L])));

        Assert.Equal("The target 'label' has 1 row that is not 0 or 1: row 2 = 2; binary classification needs 0/1 labels.", error.Message);
    }

    [Fact]
    public void Fit_ClassifierWithOneClass_SaysWhichClass()
    {
        var model = new Model(Steps, new RandomForestClassifierOptions());
        var data = Data();

        var error = Assert.Throws<TrainingDataException>(() => model.Fit(data, new Int64Column("label", [1L, 1L, 1L, 1L, 1L, 1L])));

        Assert.Equal("The target 'label' has only class 1; binary classification needs rows of both classes.", error.Message);
    }

    [Fact]
    public void Fit_PipelineColumnMissing_ListsDataColumns()
    {
        var model = new Model([new PassthroughStep(["x", "temp"])], new DecisionTreeRegressorOptions());
        var data = Data();

        var error = Assert.Throws<ArgumentException>(() => model.Fit(data, data["y"]));

        Assert.Equal("Feature pipeline: column 'temp' (step Passthrough) is missing from the data (it has: city, x, y, label).", error.Message);
    }

    [Fact]
    public void Predict_MissingInputColumn_NamesIt()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var data = Data();
        model.Fit(data, data["y"]);

        var error = Assert.Throws<SchemaException>(() => model.Predict(data.Drop("x")));

        Assert.Equal("Schema 'model signature' failed with 1 violation:\n  - column 'x': missing column (the data has: city, y, label)", error.Message);
    }

    [Fact]
    public void Predict_UnknownCategory_IgnoresIt()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var data = Data();
        model.Fit(data, data["y"]);
        var unseen = new Frame(new StringColumn("city", ["zzz"]), new Float64Column("x", [2.0]));
        var asKnown = new Frame(new StringColumn("city", ["a"]), new Float64Column("x", [2.0]));

        var features = model.Pipeline!.Transform(unseen);

        Assert.Equal(["city_a", "city_b", "city_c", "x"], model.FeatureNames);
        Assert.Equal([0.0, 0.0, 0.0, 2.0], features.Row(0).ToArray());
        Assert.Single(model.Predict(unseen));
        Assert.Single(model.Predict(asKnown));
    }

    [Fact]
    public void Predict_IntegerColumnGivenAsText_IsCoerced()
    {
        var model = new Model([new PassthroughStep(["n"])], new DecisionTreeRegressorOptions());
        var frame = new Frame(new Int64Column("n", [1L, 2L, 3L]), new Float64Column("y", [1.0, 2.0, 3.0]));
        model.Fit(frame, frame["y"]);

        var predictions = model.Predict(new Frame(new StringColumn("n", ["3", "1"])));

        Assert.Equal([3.0, 1.0], predictions);
    }

    [Fact]
    public void SetParameter_UnknownName_ListsParameters()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());

        var error = Assert.Throws<ArgumentException>(() => model.SetParameter("max_dept", 3));

        Assert.Equal("Unknown parameter 'max_dept' for DecisionTreeRegressor; parameters are: max_depth, min_samples_split, min_samples_leaf, max_features, max_bins, seed.", error.Message);
    }

    [Fact]
    public void SetParameter_WrongType_NamesParameter()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());

        var error = Assert.Throws<ArgumentException>(() => model.SetParameter("max_depth", 2.5));

        Assert.Equal("Parameter max_depth: 2.5 is not a valid integer.", error.Message);
    }

    [Fact]
    public void SetParameter_AfterFit_MakesModelUnfitted()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var data = Data();
        model.Fit(data, data["y"]);

        model.SetParameter("max_depth", 2L);

        Assert.False(model.IsFitted);
        Assert.Equal(2, model.GetParameter("max_depth"));
        Assert.Throws<InvalidOperationException>(() => model.Predict(data));
    }

    [Fact]
    public void PredictProbability_Regressor_Throws()
    {
        var model = new Model(Steps, new DecisionTreeRegressorOptions());
        var data = Data();
        model.Fit(data, data["y"]);

        var error = Assert.Throws<InvalidOperationException>(() => model.PredictProbability(data));

        Assert.Equal("DecisionTreeRegressor is a regressor; it has no probabilities.", error.Message);
    }
}
