using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ModelOps.Core.Features;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Learning;
using ModelOps.Core.Models;

namespace ModelOps.Core.Tests.Interop.XGBoost;

public sealed class XGBoostModelReaderTests
{
    private const double Tolerance = 1e-5;

    /// <summary>
    /// The most a probability differs from XGBoost's (docs/xgboost-import.md): XGBoost applies the
    /// sigmoid in float32, ModelOps in float64 to the same float32 margin; the float32 result is
    /// off by up to about one float32 step (6e-8 at 0.5, 1.2e-7 just below 1) plus its expf's error.
    /// </summary>
    private const double ProbabilityBound = 2e-7;

    private static Model ReadFixture(string file, IReadOnlyList<string>? names = null)
    {
        using var stream = File.OpenRead(XGBoostReference.PathOf(file));
        return XGBoostModelReader.Read(stream, file, names);
    }

    private static Model ReadText(string json, IReadOnlyList<string>? names = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return XGBoostModelReader.Read(stream, "m.json", names);
    }

    private static string FixtureText(string file) => File.ReadAllText(XGBoostReference.PathOf(file));

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var row = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            if (difference > worst)
            {
                (worst, row) = (difference, i);
            }
        }

        Assert.True(worst <= Tolerance, $"{what}: row {row} differs by {worst:R} (XGBoost {(row >= 0 ? expected[row] : 0):R}, ours {(row >= 0 ? actual[row] : 0):R}).");
    }

    [Fact]
    public void Read_BikeRegression_PredictsAsXGBoost()
    {
        var reference = XGBoostReference.Get("bike_reg");

        var model = ReadFixture(reference.File);

        Assert.Equal(ModelTask.Regression, model.Task);
        Assert.Equal("XGBoostImported", model.Kind);
        Assert.Equal(reference.FeatureNames, model.FeatureNames);
        Assert.Equal(50, ((TreeEnsemble)model.Predictor!).Trees.Count);
        AssertClose(reference.Predictions, model.Predict(reference.Frame()), "prediction");
        AssertClose(reference.Margins, model.PredictRaw(reference.Frame()), "margin");
    }

    [Fact]
    public void Read_CreditLogistic_PredictsAsXGBoost()
    {
        var reference = XGBoostReference.Get("credit_logistic");

        var model = ReadFixture(reference.File);

        Assert.Equal(ModelTask.BinaryClassification, model.Task);
        Assert.Equal(["f0", "f1", "f2", "f3", "f4", "f5", "f6"], model.FeatureNames);
        AssertClose(reference.Predictions, model.PredictProbability(reference.Frame()), "probability");
        AssertClose(reference.Margins, model.PredictRaw(reference.Frame()), "margin");
    }

    [Fact]
    public void Read_RowByRow_EqualsBlockPrediction()
    {
        var reference = XGBoostReference.Get("bike_reg");
        var model = ReadFixture(reference.File);
        var raw = model.PredictRaw(reference.Frame());
        var features = model.Pipeline!.Transform(reference.Frame());

        for (var r = 0; r < features.Rows; r++)
        {
            Assert.Equal(raw[r], model.Predictor!.PredictRaw(features.Row(r)));
        }
    }

    [Fact]
    public void Read_GivenFeatureNames_NamesTheInputs()
    {
        var reference = XGBoostReference.Get("credit_logistic");
        string[] names = ["duration", "credit_amount", "installment_commitment", "residence_since", "age", "existing_credits", "num_dependents"];

        var model = ReadFixture(reference.File, names);

        Assert.Equal(names, model.FeatureNames);
        Assert.Equal(names, model.Inputs.Select(i => i.Name));
        AssertClose(reference.Predictions, model.PredictProbability(reference.Frame(names)), "probability");
    }

    [Fact]
    public void Read_BaseScoreInBrackets_ReadsTheXGBoost3Layout()
    {
        var reference = XGBoostReference.Get("credit_logistic");
        var json = FixtureText(reference.File).Replace("\"base_score\":\"3E-1\"", "\"base_score\":\"[3E-1]\"", StringComparison.Ordinal);
        Assert.Contains("[3E-1]", json, StringComparison.Ordinal);

        var model = ReadText(json);

        AssertClose(reference.Margins, model.PredictRaw(reference.Frame()), "margin");
    }

    [Fact]
    public void Read_Metadata_NamesSourceVersionAndObjective()
    {
        var model = ReadFixture("credit_logistic.json");

        Assert.Equal("credit_logistic.json", model.Metadata["source"]);
        Assert.Equal("1.7.4", model.Metadata["xgboost_version"]);
        Assert.Equal("binary:logistic", model.Metadata["xgboost_objective"]);
        Assert.Equal("3E-1", model.Metadata["xgboost_base_score"]);
        Assert.Equal((double)-MathF.Log((1f / 0.3f) - 1f), ((TreeEnsemble)model.Predictor!).BaseScore);
    }

    [Theory]
    [InlineData("bike_reg")]
    [InlineData("credit_logistic")]
    public void SaveThenLoad_ImportedModel_GivesIdenticalPredictions(string name)
    {
        var reference = XGBoostReference.Get(name);
        var model = ReadFixture(reference.File);

        var bytes = ModelFile.ToBytes(model);
        var loaded = ModelFile.FromBytes(bytes);

        Assert.Equal(model.PredictRaw(reference.Frame()), loaded.PredictRaw(reference.Frame()));
        Assert.Equal(model.Learner, loaded.Learner);
        Assert.Equal(model.Task, loaded.Task);
        Assert.True(((TreeEnsemble)loaded.Predictor!).Float32Sum);
        Assert.Equal(bytes, ModelFile.ToBytes(loaded));
    }

    [Theory]
    [InlineData("\"sum_precision\":\"float16\"", "$.predictor.sum_precision is 'float16'; expected float64, or float32 with aggregation sum.")]
    [InlineData("\"aggregation\":\"mean\",\"sum_precision\":\"float32\"", "$.predictor.sum_precision is 'float32'; expected float64, or float32 with aggregation sum.")]
    public void Load_BadSumPrecision_NamesField(string replacement, string message)
    {
        var json = Encoding.UTF8.GetString(ModelFile.ToBytes(ReadFixture("credit_logistic.json")))
            .Replace("\"aggregation\":\"sum\",\"sum_precision\":\"float32\"", "\"aggregation\":\"sum\"," + replacement, StringComparison.Ordinal)
            .Replace("\"aggregation\":\"sum\",\"aggregation\":\"mean\"", "\"aggregation\":\"mean\"", StringComparison.Ordinal);

        var error = Assert.Throws<ModelFormatException>(() => ModelFile.FromBytes(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Fit_ImportedModel_ThrowsNotSupported()
    {
        var reference = XGBoostReference.Get("bike_reg");
        var model = ReadFixture(reference.File);
        var frame = reference.Frame();

        var error = Assert.Throws<NotSupportedException>(() => model.Fit(frame, new Core.Data.Float64Column("y", new double[frame.RowCount])));

        Assert.Equal("An imported XGBoost model cannot be refitted; train a GradientBoostingRegressor/Classifier instead.", error.Message);
    }

    [Fact]
    public void Create_XGBoostImported_IsKnownButNotListedAsTrainable()
    {
        Assert.IsType<XGBoostImportedOptions>(LearnerCatalog.Create("XGBoostImported"));
        Assert.DoesNotContain("XGBoostImported", LearnerCatalog.Kinds);
    }

    [Theory]
    [InlineData("bad_gblinear.json", "bad_gblinear.json: booster 'gblinear' is not supported; supported: gbtree.")]
    [InlineData("bad_dart.json", "bad_dart.json: booster 'dart' is not supported; supported: gbtree.")]
    [InlineData("bad_multiclass.json", "bad_multiclass.json: objective 'multi:softprob' is not supported; supported: reg:squarederror, binary:logistic.")]
    [InlineData("bad_pseudohuber.json", "bad_pseudohuber.json: objective 'reg:pseudohubererror' is not supported; supported: reg:squarederror, binary:logistic.")]
    public void Read_UnsupportedModel_NamesWhatWasFoundAndWhatIsSupported(string file, string message)
    {
        var error = Assert.Throws<ModelFormatException>(() => ReadFixture(file));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("not json", "m.json is not valid JSON: 'not json' is an invalid JSON literal. Expected the literal 'null'. LineNumber: 0 | BytePositionInLine: 1.")]
    [InlineData("[1, 2]", "m.json: not an XGBoost model: the document is an array; an XGBoost JSON model (Booster.save_model) is an object with version and learner.gradient_booster, learner.objective, learner.learner_model_param.")]
    [InlineData("""{"format": "modelops.model", "kind": "Ridge"}""", "m.json: not an XGBoost model: it has no version, learner (it has the top-level keys format, kind); an XGBoost JSON model (Booster.save_model) has version and learner.gradient_booster, learner.objective, learner.learner_model_param.")]
    [InlineData("""{"version": [1, 7, 4], "learner": {"objective": {"name": "reg:squarederror"}}}""", "m.json: not an XGBoost model: it has no learner.gradient_booster, learner.learner_model_param (it has the top-level keys version, learner); an XGBoost JSON model (Booster.save_model) has version and learner.gradient_booster, learner.objective, learner.learner_model_param.")]
    [InlineData("{}", "m.json: not an XGBoost model: it has no version, learner (it has no keys); an XGBoost JSON model (Booster.save_model) has version and learner.gradient_booster, learner.objective, learner.learner_model_param.")]
    public void Read_NotAnXGBoostModel_SaysWhatWasExpected(string json, string message)
    {
        var error = Assert.Throws<ModelFormatException>(() => ReadText(json));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Read_FeatureNameCountMismatch_NamesBothCounts()
    {
        var error = Assert.Throws<ModelFormatException>(() => ReadFixture("bike_reg.json", ["a", "b"]));

        Assert.Equal("bike_reg.json: 2 feature names were given but the model has 12 features (num_feature).", error.Message);
    }

    [Fact]
    public void Read_RepeatedFeatureName_IsRejected()
    {
        var error = Assert.Throws<ModelFormatException>(() => ReadFixture("credit_logistic.json", ["a", "b", "c", "d", "e", "f", "a"]));

        Assert.Equal("credit_logistic.json: feature name 'a' is empty or repeated; each of the 7 features needs its own name.", error.Message);
    }

    [Fact]
    public void Read_SplitIndexBeyondNumFeature_NamesTreeNodeAndCount()
    {
        var json = FixtureText("credit_logistic.json").Replace("\"num_feature\":\"7\"", "\"num_feature\":\"3\"", StringComparison.Ordinal);
        var firstSplit = XGBoostFirstSplitBeyond(json, 3);

        var error = Assert.Throws<ModelFormatException>(() => ReadText(json));

        Assert.Equal($"m.json: tree {firstSplit.Tree} node {firstSplit.Node} splits on feature {firstSplit.Feature}, but the model has 3 features (num_feature).", error.Message);
    }

    [Theory]
    [InlineData("\"base_score\":\"3E-1\"", "\"base_score\":\"abc\"", "m.json: learner.learner_model_param.base_score is 'abc'; expected one number, such as 5E-1.")]
    [InlineData("\"base_score\":\"3E-1\"", "\"base_score\":\"1.5E0\"", "m.json: learner.learner_model_param.base_score is 1.5E0; binary:logistic needs a probability strictly between 0 and 1.")]
    [InlineData("\"split_type\":[0,", "\"split_type\":[1,", "m.json: tree 0 node 0 is a categorical split; supported: numeric splits.")]
    [InlineData("\"left_children\":[1,", "\"left_children\":[", "m.json: learner.gradient_booster.model.trees[0].right_children has 31 values for 30 nodes.")]
    public void Read_MalformedField_NamesIt(string find, string replace, string message)
    {
        var json = FixtureText("credit_logistic.json");
        var index = json.IndexOf(find, StringComparison.Ordinal);
        Assert.True(index >= 0, find);
        json = string.Concat(json.AsSpan(0, index), replace, json.AsSpan(index + find.Length));

        var error = Assert.Throws<ModelFormatException>(() => ReadText(json));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Predict_ValueRoundingToThreshold_GoesRightAsInXGBoost()
    {
        // 0.1 in float32 is 0.100000001490116...; a double just below that threshold rounds up to
        // it in float32, so XGBoost (value < threshold in float32) sends it right.
        var threshold = (double)0.1f;
        var tree = new Tree([0, -1, -1], [threshold, 0, 0], [false, false, false], [1, -1, -1], [2, -1, -1], [0, -1, 1], [2, 1, 1], [1, 0, 0], SplitRule.LessThan);

        Assert.Equal(1, tree.Predict([threshold - 1e-12]));
        Assert.False(tree.GoesLeft(0, threshold - 1e-12));
        Assert.Equal(-1, tree.Predict([0.09999]));
    }

    [Theory]
    [InlineData("pruned_reg")]
    [InlineData("pruned_logistic")]
    public void Read_PrunedTrees_DropsDeletedNodesAndPredictsAsXGBoost(string name)
    {
        var reference = XGBoostReference.Get(name);
        using var file = System.Text.Json.JsonDocument.Parse(FixtureText(reference.File));
        var saved = file.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model").GetProperty("trees").EnumerateArray()
            .Select(t => (Nodes: int.Parse(t.GetProperty("tree_param").GetProperty("num_nodes").GetString()!, CultureInfo.InvariantCulture),
                Deleted: int.Parse(t.GetProperty("tree_param").GetProperty("num_deleted").GetString()!, CultureInfo.InvariantCulture)))
            .ToArray();
        Assert.True(saved.Sum(t => t.Deleted) > 0, "the fixture has deleted nodes");

        var model = ReadFixture(reference.File);

        var trees = ((TreeEnsemble)model.Predictor!).Trees;
        Assert.Equal(saved.Select(t => t.Nodes - t.Deleted), trees.Select(t => t.NodeCount));
        Assert.Equal(reference.Margins, model.PredictRaw(reference.Frame()));
        if (reference.Objective == XGBoostImportedOptions.SquaredError)
        {
            Assert.Equal(reference.Predictions, model.Predict(reference.Frame()));
        }
        else
        {
            AssertWithin(reference.Predictions, model.PredictProbability(reference.Frame()), ProbabilityBound, "probability");
        }
    }

    [Theory]
    [InlineData("bike_reg")]
    [InlineData("credit_logistic")]
    [InlineData("pruned_reg")]
    [InlineData("pruned_logistic")]
    [InlineData("early_stopped")]
    public void Read_EveryFixture_MarginsEqualXGBoostsAndProbabilitiesWithinTheStatedBound(string name)
    {
        // docs/xgboost-import.md: margins and regression predictions are XGBoost's float32 values
        // exactly; probabilities differ by at most ProbabilityBound (XGBoost's sigmoid is float32).
        var reference = XGBoostReference.Get(name);

        var model = ReadFixture(reference.File);

        Assert.Equal(reference.Margins, model.PredictRaw(reference.Frame()));
        if (model.Task == ModelTask.Regression)
        {
            Assert.Equal(reference.Predictions, model.Predict(reference.Frame()));
        }
        else
        {
            AssertWithin(reference.Predictions, model.PredictProbability(reference.Frame()), ProbabilityBound, "probability");
        }
    }

    [Theory]
    [InlineData("bike_reg")]
    [InlineData("pruned_reg")]
    public void Read_Ubjson_GivesTheSameModelAsJson(string name)
    {
        var reference = XGBoostReference.Get(name);
        using var json = File.OpenRead(XGBoostReference.PathOf(name + ".json"));
        using var ubjson = File.OpenRead(XGBoostReference.PathOf(name + ".ubj"));

        var fromJson = XGBoostModelReader.Read(json, "m");
        var fromUbjson = XGBoostModelReader.Read(ubjson, "m");

        Assert.Equal(ModelFile.ToBytes(fromJson), ModelFile.ToBytes(fromUbjson));
        Assert.Equal(reference.Margins, fromUbjson.PredictRaw(reference.Frame()));
    }

    [Theory]
    [InlineData("bad_categorical.json")]
    [InlineData("bad_categorical.ubj")]
    public void Read_CategoricalSplit_GetsTheCategoricalRefusal(string file)
    {
        // XGBoost writes NaN (a bare NaN in JSON, which JSON does not allow) as a categorical split's condition.
        var error = Assert.Throws<ModelFormatException>(() => ReadFixture(file));

        Assert.Equal($"{file}: tree 0 node 0 is a categorical split; supported: numeric splits.", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'i', 7, (byte)'v', (byte)'e', (byte)'r' }, "m.ubj is not valid UBJSON: a length of 7 does not fit in the 3 bytes left at byte 1.")]
    [InlineData(new byte[] { (byte)'{', (byte)'i', 1, (byte)'a' }, "m.ubj is not valid UBJSON: the document ends early at byte 4.")]
    [InlineData(new byte[] { (byte)'{', (byte)'i', 1, (byte)'a', (byte)'X', (byte)'}' }, "m.ubj is not valid UBJSON: unexpected marker 'X' at byte 4.")]
    [InlineData(new byte[] { (byte)'{', (byte)'i', 1, (byte)'a', (byte)'[', (byte)'#', (byte)'l', 0, 0, 1, 0, (byte)'}' }, "m.ubj is not valid UBJSON: a count of 256 does not fit in the 1 bytes left at byte 6.")]
    [InlineData(new byte[] { (byte)'{', (byte)'}', (byte)'Z' }, "m.ubj is not valid JSON: 'Z' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 2.")]
    public void Read_BrokenUbjson_SaysWhereItBreaks(byte[] bytes, string message)
    {
        using var stream = new MemoryStream(bytes);

        var error = Assert.Throws<ModelFormatException>(() => XGBoostModelReader.Read(stream, "m.ubj"));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Read_UbjsonWithTrailingBytes_SaysSo()
    {
        var bytes = File.ReadAllBytes(XGBoostReference.PathOf("bike_reg.ubj")).Append((byte)'Z').ToArray();
        using var stream = new MemoryStream(bytes);

        var error = Assert.Throws<ModelFormatException>(() => XGBoostModelReader.Read(stream, "m.ubj"));

        Assert.Equal($"m.ubj is not valid UBJSON: 1 bytes follow the document's end at byte {bytes.Length - 1}.", error.Message);
    }

    [Fact]
    public void Read_EarlyStopped_KeepsTheTreesUpToTheBestIterationByDefault()
    {
        var reference = XGBoostReference.Get("early_stopped");
        var best = reference.BestIteration!.Value;

        var model = ReadFixture(reference.File);

        Assert.Equal(best + 1, ((TreeEnsemble)model.Predictor!).Trees.Count);
        Assert.True(best + 1 < reference.Trees, "the fixture stopped early");
        Assert.Equal(best.ToString(CultureInfo.InvariantCulture), model.Metadata[XGBoostModelReader.BestIterationKey]);
        Assert.Equal(reference.Trees!.Value.ToString(CultureInfo.InvariantCulture), model.Metadata[XGBoostModelReader.TreesInFileKey]);
        Assert.Equal((best + 1).ToString(CultureInfo.InvariantCulture), model.Metadata[XGBoostModelReader.TreesUsedKey]);
        Assert.Equal(reference.Margins, model.PredictRaw(reference.Frame()));
        AssertWithin(reference.Predictions, model.PredictProbability(reference.Frame()), ProbabilityBound, "probability");
    }

    [Fact]
    public void Read_EarlyStoppedWithAllTrees_KeepsEveryTree()
    {
        var reference = XGBoostReference.Get("early_stopped");
        using var stream = File.OpenRead(XGBoostReference.PathOf(reference.File));

        var model = XGBoostModelReader.Read(stream, reference.File, allTrees: true);

        Assert.Equal(reference.Trees, ((TreeEnsemble)model.Predictor!).Trees.Count);
        Assert.Equal(reference.Trees!.Value.ToString(CultureInfo.InvariantCulture), model.Metadata[XGBoostModelReader.TreesUsedKey]);
        Assert.Equal(reference.MarginsAll, model.PredictRaw(reference.Frame()));
        AssertWithin(reference.PredictionsAll!, model.PredictProbability(reference.Frame()), ProbabilityBound, "probability");
    }

    [Fact]
    public void Read_NoBestIteration_KeepsEveryTreeAndRecordsNone()
    {
        var json = FixtureText("early_stopped.json");
        json = Regex.Replace(json, "\"attributes\":\\{[^}]*\\},", string.Empty);
        Assert.DoesNotContain("best_iteration", json, StringComparison.Ordinal);

        var model = ReadText(json);

        Assert.Equal(XGBoostReference.Get("early_stopped").Trees, ((TreeEnsemble)model.Predictor!).Trees.Count);
        Assert.False(model.Metadata.ContainsKey(XGBoostModelReader.BestIterationKey));
    }

    [Theory]
    [InlineData("\"best_iteration\":\"21\"", "m.json: learner.attributes.best_iteration is 21, but the model has 21 rounds (21 trees); the best iteration must be one of its rounds, 0 to 20.")]
    [InlineData("\"best_iteration\":\"-1\"", "m.json: learner.attributes.best_iteration is -1; expected a round number, 0 or more.")]
    [InlineData("\"best_iteration\":\"ten\"", "m.json: learner.attributes.best_iteration is ten; expected an integer.")]
    public void Read_BadBestIteration_NamesIt(string replacement, string message)
    {
        var json = Regex.Replace(FixtureText("early_stopped.json"), "\"best_iteration\":\"[0-9]+\"", replacement);

        var error = Assert.Throws<ModelFormatException>(() => ReadText(json));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void QuoteNonFiniteNumbers_BareNaNAndInfinities_AreQuotedOutsideStringsOnly()
    {
        var json = """{"name":"say \"NaN\" Infinity","v":[NaN,-Infinity,Infinity,1E0]}"""u8.ToArray();

        var quoted = XGBoostJsonText.QuoteNonFiniteNumbers(json);

        Assert.Equal("""{"name":"say \"NaN\" Infinity","v":["NaN","-Infinity","Infinity",1E0]}""", Encoding.UTF8.GetString(quoted));
    }

    [Fact]
    public void Load_ModelFileWithUnreachableNodes_DropsThem()
    {
        // Model files of XGBoost imports before issue 16 kept the nodes XGBoost had pruned.
        var reference = XGBoostReference.Get("pruned_logistic");
        var model = ReadFixture(reference.File);
        var ensemble = (TreeEnsemble)model.Predictor!;
        var first = ensemble.Trees[0];
        var n = first.NodeCount;
        var padded = new Tree(
            [.. first.Features, -1, -1],
            [.. first.Thresholds, 0, 0],
            [.. first.DefaultLeft, false, false],
            [.. first.Left, -1, -1],
            [.. first.Right, -1, -1],
            [.. first.Values, 1000, -1000],
            [.. first.Covers, 5, 5],
            [.. first.Gains, 0, 0],
            SplitRule.LessThan);
        var withDeleted = new Model(
            [new PassthroughStep([.. model.FeatureNames])],
            model.Learner,
            model.Pipeline!,
            new TreeEnsemble([padded, .. ensemble.Trees.Skip(1)], ensemble.BaseScore, averaged: false, ensemble.Link, ensemble.FeatureCount, float32Sum: true),
            targetName: null,
            model.Metadata);

        var loaded = ModelFile.FromBytes(ModelFile.ToBytes(withDeleted));

        Assert.Equal(n, ((TreeEnsemble)loaded.Predictor!).Trees[0].NodeCount);
        Assert.Equal(ModelFile.ToBytes(model), ModelFile.ToBytes(loaded));
    }

    private static void AssertWithin(double[] expected, double[] actual, double bound, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var row = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            if (difference > worst)
            {
                (worst, row) = (difference, i);
            }
        }

        Assert.True(worst <= bound, $"{what}: row {row} differs by {worst:R}, above {bound:R}.");
    }

    private static (int Tree, int Node, int Feature) XGBoostFirstSplitBeyond(string json, int featureCount)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var trees = document.RootElement.GetProperty("learner").GetProperty("gradient_booster").GetProperty("model").GetProperty("trees");
        var t = 0;
        foreach (var tree in trees.EnumerateArray())
        {
            var left = tree.GetProperty("left_children").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var split = tree.GetProperty("split_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            for (var i = 0; i < left.Length; i++)
            {
                if (left[i] != -1 && split[i] >= featureCount)
                {
                    return (t, i, split[i]);
                }
            }

            t++;
        }

        throw new InvalidOperationException("No split beyond the count.");
    }
}
