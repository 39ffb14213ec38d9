using System.Text;
using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Models;

public sealed class ModelFileTests
{
    public static TheoryData<string> TreeKinds => ["DecisionTreeRegressor", "RandomForestRegressor", "GradientBoostingRegressor", "DecisionTreeClassifier", "RandomForestClassifier", "GradientBoostingClassifier"];

    [Theory]
    [MemberData(nameof(TreeKinds))]
    public void SaveThenLoad_EveryTreeLearner_GivesIdenticalPredictions(string kind)
    {
        var learner = LearnerCatalog.Create(kind);
        learner = learner.ParameterNames.Contains("n_estimators") ? learner.WithParameter("n_estimators", 5) : learner;
        learner = learner.ParameterNames.Contains("max_iter") ? learner.WithParameter("max_iter", 10) : learner;
        var classification = learner.Task == Learning.ModelTask.BinaryClassification;
        var data = classification ? ShippedData.Credit : ShippedData.Bike.Head(3000);
        var steps = classification
            ? new FeatureStep[] { new OneHotStep(["checking_status", "purpose"]), new StandardScaleStep(["duration", "age"]), new PassthroughStep(["credit_amount"]) }
            : [new OneHotStep(ShippedData.BikeOneHot), new StandardScaleStep(["temp"]), new PassthroughStep(["hr", "yr", "workingday"])];
        var model = new Model(steps, learner) { Metadata = new Dictionary<string, string> { ["source"] = "test" } };
        model.Fit(data, data[classification ? "default" : "cnt"]);

        var bytes = ModelFile.ToBytes(model);
        var loaded = ModelFile.FromBytes(bytes);

        Assert.Equal(model.PredictRaw(data), loaded.PredictRaw(data));
        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(model.Inputs, loaded.Inputs);
        Assert.Equal(model.Learner, loaded.Learner);
        Assert.Equal(model.TargetName, loaded.TargetName);
        Assert.Equal("test", loaded.Metadata["source"]);
        Assert.Equal(bytes, ModelFile.ToBytes(loaded));
    }

    [Fact]
    public void Save_Unfitted_Throws()
    {
        var model = new Model([new PassthroughStep(["x"])], new DecisionTreeRegressorOptions());

        var error = Assert.Throws<InvalidOperationException>(() => ModelFile.ToBytes(model));

        Assert.Equal("The DecisionTreeRegressor model is not fitted; only fitted models can be saved.", error.Message);
    }

    [Theory]
    [InlineData("not json", "The model file is not valid JSON: ")]
    [InlineData("[1]", "$ is an array; expected an object.")]
    [InlineData("""{"format": "xgboost"}""", "$.format is 'xgboost'; a ModelOps model file has 'modelops.model'.")]
    [InlineData("""{"format": "modelops.model", "format_version": 9}""", "$.format_version is 9; this ModelOps reads versions 1 to 1.")]
    [InlineData("""{"format": "modelops.model", "format_version": 1}""", "$.kind is missing.")]
    [InlineData("""{"format": "modelops.model", "format_version": 1, "kind": "Magic"}""", "$.kind: Unknown learner 'Magic'; learners are: ")]
    [InlineData("""{"format": "modelops.model", "format_version": 1, "kind": "Ridge2", "parameters": {}}""", "$.kind: Unknown learner 'Ridge2'")]
    [InlineData("""{"format": "modelops.model", "format_version": 1, "kind": "DecisionTreeRegressor", "parameters": {"max_dept": 3}}""", "$.parameters.max_dept: Unknown parameter 'max_dept' for DecisionTreeRegressor; parameters are: max_depth, ")]
    [InlineData("""{"format": "modelops.model", "format_version": 1, "kind": "DecisionTreeRegressor", "parameters": {}, "signature": {"inputs": [{"name": "x", "type": "complex"}], "target": null}}""", "$.signature.inputs[0].type is 'complex'; expected one of float64, int64, bool, string, datetime.")]
    public void Load_BadDocument_NamesField(string json, string messageStart)
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.FromBytes(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith(messageStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TreeChildBeforeParent_IsRejected()
    {
        var model = new Model([new PassthroughStep(["hr"])], new DecisionTreeRegressorOptions { MaxDepth = 1 });
        var bike = ShippedData.Bike.Head(500);
        model.Fit(bike, bike["cnt"]);
        var json = Encoding.UTF8.GetString(ModelFile.ToBytes(model)).Replace("\"left\":[1,-1,-1]", "\"left\":[0,-1,-1]", StringComparison.Ordinal);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.FromBytes(Encoding.UTF8.GetBytes(json)));

        Assert.Equal("$.predictor.trees[0]: Node 0 has children 0 and 2; children must come after their parent and within 0..2.", error.Message);
    }
}
