using ModelOps.Core.Data;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Metrics;
using ModelOps.Core.Models;
using ModelOps.Core.Search;
using ModelOps.Core.Splitting;

namespace ModelOps.Core.Tests.Search;

public sealed class SearcherTests
{
    private static readonly ISplitter FiveFolds = Splitter.Create(new KFoldOptions { NSplits = 5, Shuffle = true, Seed = 3 });

    private static ISearcher DepthGrid(int? maxParallelTrials = null, bool refit = true) => Searcher.Create(new GridSearchOptions
    {
        Grid = [new("max_depth", [1, 2, 3, 6, null])],
        MaxParallelTrials = maxParallelTrials,
        Refit = refit,
    });

    [Fact]
    public void Run_TreeDepthGrid_PicksTheDepthOfTheSteps()
    {
        var (inputs, target) = SearchData.Steps();

        var result = DepthGrid().Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"));

        Assert.Equal(1, result.BestIndex);
        Assert.Equal("max_depth=2", result.BestParameters.ToString());
        Assert.Equal(result.Trials[1].MeanScore, result.BestScore);
        Assert.Equal(1, result.Trials[1].Rank);
        Assert.Equal([1, 2, 3, 4, 5], result.Trials.Select(t => t.Rank).Order());
        Assert.Equal("mse", result.Metric);
        Assert.False(result.GreaterIsBetter);
        Assert.Equal(5, result.FoldCount);
        Assert.Equal(SearcherKinds.GridSearch, result.Kind);
        Assert.Equal([0, 1, 2, 3, 4], result.Trials.Select(t => t.CandidateIndex));
    }

    [Fact]
    public void Run_TreeDepthGrid_MeanAndStdEqualAManualCrossValidation()
    {
        var (inputs, target) = SearchData.Steps();
        var metric = MetricCatalog.Get("mse");
        var actual = ((Float64Column)target).Values.ToArray();

        var result = DepthGrid(refit: false).Run(SearchData.Tree(), inputs, target, FiveFolds, metric);

        var folds = FiveFolds.Split(inputs.RowCount);
        foreach (var trial in result.Trials)
        {
            var scores = new double[folds.Count];
            for (var f = 0; f < folds.Count; f++)
            {
                var model = SearchData.Tree();
                model.SetParameter("max_depth", trial.Parameters["max_depth"]);
                model.Fit(inputs.Take(folds[f].Train.Span), target.Take(folds[f].Train.Span));
                var test = folds[f].Test.ToArray();
                scores[f] = metric.Score(test.Select(i => actual[i]).ToArray(), model.Predict(inputs.Take(test)));
            }

            var mean = scores.Sum() / scores.Length;
            var std = Math.Sqrt(scores.Sum(s => (s - mean) * (s - mean)) / scores.Length);
            Assert.Equal(scores, trial.FoldScores);
            Assert.Equal(mean, trial.MeanScore);
            Assert.Equal(std, trial.StdScore);
            Assert.Equal(5, trial.FoldFitSeconds.Count);
            Assert.All(trial.FoldFitSeconds, s => Assert.True(s >= 0));
            Assert.Equal(trial.FoldFitSeconds.Average(), trial.MeanFitSeconds, 1e-12);
        }
    }

    [Fact]
    public void Run_ParallelAndSequential_IdenticalResults()
    {
        var (inputs, target) = SearchData.Steps();
        var options = new RandomSearchOptions
        {
            Distributions =
            [
                new("max_depth", new IntRangeDistribution { Low = 1, High = 6 }),
                new("min_samples_leaf", new IntRangeDistribution { Low = 1, High = 20 }),
                new("max_features", new ChoiceDistribution { Values = ["all", "sqrt", 0.5] }),
            ],
            NIter = 12,
            Seed = 4,
        };
        var searcher = Searcher.Create(options with { MaxParallelTrials = 1 });
        var parallel = Searcher.Create(options with { MaxParallelTrials = 4 });
        var metric = MetricCatalog.Get("r2");

        var one = searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, metric);
        var four = parallel.Run(SearchData.Tree(), inputs, target, FiveFolds, metric);

        Assert.Equal(one.BestIndex, four.BestIndex);
        Assert.Equal(one.Trials.Select(t => t.Parameters), four.Trials.Select(t => t.Parameters));
        Assert.Equal(one.Trials.SelectMany(t => t.FoldScores), four.Trials.SelectMany(t => t.FoldScores));
        Assert.Equal(one.Trials.Select(t => t.MeanScore), four.Trials.Select(t => t.MeanScore));
        Assert.Equal(one.Trials.Select(t => t.StdScore), four.Trials.Select(t => t.StdScore));
        Assert.Equal(one.Trials.Select(t => t.Rank), four.Trials.Select(t => t.Rank));
        Assert.Equal(one.BestModel!.Predict(inputs), four.BestModel!.Predict(inputs));
    }

    [Fact]
    public void Run_WithProgress_CalledOncePerTrialWithTheBestSoFar()
    {
        var (inputs, target) = SearchData.Steps();
        var progress = new RecordingProgress();

        var result = DepthGrid(maxParallelTrials: 3).Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"), progress);

        var reports = progress.Reports;
        Assert.Equal(5, reports.Count);
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.CompletedTrials));
        Assert.All(reports, r => Assert.Equal(5, r.TotalTrials));
        Assert.Equal([0, 1, 2, 3, 4], reports.Select(r => r.CandidateIndex).Order());
        foreach (var report in reports)
        {
            Assert.Equal(result.Trials[report.CandidateIndex].MeanScore, report.Score);
            Assert.Equal(result.Trials[report.CandidateIndex].Parameters, report.Parameters);
            Assert.True(report.BestScore <= report.Score);
            Assert.Equal(result.Trials[report.BestCandidateIndex].MeanScore, report.BestScore);
            Assert.Equal(result.Trials[report.BestCandidateIndex].Parameters, report.BestParameters);
        }

        Assert.Equal(result.BestScore, reports[^1].BestScore);
        Assert.Equal(result.BestParameters, reports[^1].BestParameters);
        Assert.Equal(1, progress.MaxConcurrentCalls);
    }

    [Fact]
    public void Run_Refit_BestModelFittedOnAllRows()
    {
        var (inputs, target) = SearchData.Steps();

        var result = DepthGrid().Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"));

        var expected = SearchData.Tree();
        expected.SetParameter("max_depth", 2);
        expected.Fit(inputs, target);
        Assert.NotNull(result.BestModel);
        Assert.True(result.BestModel.IsFitted);
        Assert.Equal(2, result.BestModel.GetParameter("max_depth"));
        Assert.Equal(expected.Predict(inputs), result.BestModel.Predict(inputs));
        Assert.True(result.RefitSeconds >= 0);
    }

    [Fact]
    public void Run_RefitFalse_NoModelAndTheGivenModelUntouched()
    {
        var (inputs, target) = SearchData.Steps(60);
        var model = SearchData.Tree();

        var result = DepthGrid(refit: false).Run(model, inputs, target, FiveFolds, MetricCatalog.Get("mse"));

        Assert.Null(result.BestModel);
        Assert.Equal(0, result.RefitSeconds);
        Assert.False(model.IsFitted);
        Assert.Null(model.GetParameter("max_depth"));
    }

    [Fact]
    public void Run_EqualScores_EarliestCandidateWinsAndRanksShared()
    {
        var (inputs, target) = SearchData.Steps(60);
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("seed", [5, 6, 7]), new("max_depth", [1, 3])] });

        var result = searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("r2"));

        // The seed does not change a tree that tries every feature, so the three seeds tie.
        Assert.Equal(result.Trials[1].MeanScore, result.Trials[3].MeanScore);
        Assert.Equal(result.Trials[1].MeanScore, result.Trials[5].MeanScore);
        Assert.Equal(1, result.BestIndex);
        Assert.Equal("seed=5, max_depth=3", result.BestParameters.ToString());
        Assert.Equal([4, 1, 4, 1, 4, 1], result.Trials.Select(t => t.Rank));
    }

    [Fact]
    public void Run_ClassifierWithStratifiedFolds_ScoresProbabilitiesOrLabelsByMetric()
    {
        var (inputs, target) = SearchData.Classes();
        var splitter = Splitter.Create(new StratifiedKFoldOptions { NSplits = 3 });
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_depth", [2])], Refit = false });
        var model = SearchData.Model(new DecisionTreeClassifierOptions());

        var auc = searcher.Run(model, inputs, target, splitter, MetricCatalog.Get("roc_auc"));
        var accuracy = searcher.Run(model, inputs, target, splitter, MetricCatalog.Get("accuracy"));

        var labels = ((Int64Column)target).Values.ToArray().Select(v => (double)v).ToArray();
        var folds = splitter.Split(inputs.RowCount, labels);
        for (var f = 0; f < folds.Count; f++)
        {
            var fitted = SearchData.Model(new DecisionTreeClassifierOptions { MaxDepth = 2 });
            fitted.Fit(inputs.Take(folds[f].Train.Span), target.Take(folds[f].Train.Span));
            var test = folds[f].Test.ToArray();
            var actual = test.Select(i => labels[i]).ToArray();
            Assert.Equal(MetricCatalog.Get("roc_auc").Score(actual, fitted.PredictProbability(inputs.Take(test))), auc.Trials[0].FoldScores[f]);
            Assert.Equal(MetricCatalog.Get("accuracy").Score(actual, fitted.Predict(inputs.Take(test))), accuracy.Trials[0].FoldScores[f]);
        }

        Assert.InRange(auc.BestScore, 0.8, 1.0);
    }

    [Fact]
    public void Run_UnknownParameter_NamesItAndListsTheModelsParameters()
    {
        var (inputs, target) = SearchData.Steps(20);
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_dept", [1, 2]), new("seed", [0])] });

        var error = Assert.Throws<ArgumentException>(() => searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse")));

        Assert.Equal(
            "GridSearch: unknown parameter 'max_dept' for DecisionTreeRegressor; its parameters are: max_depth, min_samples_split, min_samples_leaf, max_features, max_bins, seed. (Parameter 'model')",
            error.Message);
    }

    [Fact]
    public void Run_ValuesOutOfRange_ListsEveryProblemBeforeAnyTrial()
    {
        var (inputs, target) = SearchData.Steps(20);
        var progress = new RecordingProgress();
        var searcher = Searcher.Create(new GridSearchOptions
        {
            Grid = [new("max_depth", [0, 2]), new("min_samples_leaf", [1, 0]), new("max_features", ["all", "most"])],
        });

        var error = Assert.Throws<ArgumentException>(() => searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"), progress));

        Assert.Equal(
            "GridSearch: 7 of 8 candidates cannot be fitted by DecisionTreeRegressor, so no trial was run: " +
            "max_depth = 0: must be at least 1 (candidates 0, 1, 2, 3); " +
            "max_features = most: must be all, sqrt, log2, a fraction such as 0.5, or a count such as 5 (candidates 1, 3, 5, 7); " +
            "min_samples_leaf = 0: must be at least 1 (candidates 2, 3, 6, 7). (Parameter 'model')",
            error.Message);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void Run_RepeatedProblem_GroupedWithACount()
    {
        var (inputs, target) = SearchData.Steps(20);
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_depth", [0, 3]), new("seed", [1, 2, 3, 4, 5, 6])] });

        var error = Assert.Throws<ArgumentException>(() => searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse")));

        Assert.Equal(
            "GridSearch: 6 of 12 candidates cannot be fitted by DecisionTreeRegressor, so no trial was run: " +
            "max_depth = 0: must be at least 1 (candidates 0, 1, 2, 3, 4 and 1 more). (Parameter 'model')",
            error.Message);
    }

    [Fact]
    public void Run_ValueOfWrongType_NamesTheCandidate()
    {
        var (inputs, target) = SearchData.Steps(20);
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_depth", [2, "deep"])] });

        var error = Assert.Throws<ArgumentException>(() => searcher.Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse")));

        Assert.Equal(
            "GridSearch: 1 of 2 candidates cannot be fitted by DecisionTreeRegressor, so no trial was run: " +
            "Parameter max_depth: deep is not a valid integer (candidate 1). (Parameter 'model')",
            error.Message);
    }

    [Fact]
    public void Run_RegressionMetricOnClassifier_Throws()
    {
        var (inputs, target) = SearchData.Classes(20);
        var model = SearchData.Model(new DecisionTreeClassifierOptions());

        var error = Assert.Throws<ArgumentException>(() => DepthGrid().Run(model, inputs, target, FiveFolds, MetricCatalog.Get("rmse")));

        Assert.Equal(
            "Metric 'rmse' scores regression but DecisionTreeClassifier is a binary classifier; choose a classification metric: " +
            "accuracy, precision, recall, f1, log_loss, roc_auc, average_precision, brier. (Parameter 'metric')",
            error.Message);
    }

    [Fact]
    public void Run_ClassificationMetricOnRegressor_Throws()
    {
        var (inputs, target) = SearchData.Steps(20);

        var error = Assert.Throws<ArgumentException>(() => DepthGrid().Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("roc_auc")));

        Assert.Equal(
            "Metric 'roc_auc' scores classification but DecisionTreeRegressor is a regressor; choose a regression metric: " +
            "mse, rmse, mae, r2, mape, max_error. (Parameter 'metric')",
            error.Message);
    }

    [Fact]
    public void Run_TargetOfOtherLength_ThrowsBeforeAnyTrial()
    {
        var (inputs, _) = SearchData.Steps(20);

        var error = Assert.Throws<TrainingDataException>(() =>
            DepthGrid().Run(SearchData.Tree(), inputs, new Float64Column("y", new double[19]), FiveFolds, MetricCatalog.Get("mse")));

        Assert.Equal("The target 'y' has 19 rows but the inputs have 20.", error.Message);
    }

    [Fact]
    public void Run_TrialFails_NamesTheCandidateAndFold()
    {
        // Sorted labels and unshuffled folds: the second fold trains on class 0 only.
        var inputs = new Frame(new Float64Column("x", [.. Enumerable.Range(0, 10).Select(i => (double)i)]), new Float64Column("z", new double[10]));
        var target = new Int64Column("y", [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        var splitter = Splitter.Create(new KFoldOptions { NSplits = 2 });
        var searcher = Searcher.Create(new GridSearchOptions { Grid = [new("max_depth", [1])], MaxParallelTrials = 1 });

        var error = Assert.Throws<InvalidOperationException>(() =>
            searcher.Run(SearchData.Model(new DecisionTreeClassifierOptions()), inputs, target, splitter, MetricCatalog.Get("accuracy")));

        Assert.Equal(
            "GridSearch trial of candidate 0 (max_depth=1) failed on fold 0: The target 'y' has only class 1; binary classification needs rows of both classes.",
            error.Message);
        Assert.IsType<TrainingDataException>(error.InnerException);
    }

    [Fact]
    public void Run_CancelledBeforehand_ThrowsOperationCanceled()
    {
        var (inputs, target) = SearchData.Steps(40);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.Throws<OperationCanceledException>(() =>
            DepthGrid().Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"), null, cancellation.Token));
    }

    [Fact]
    public void Run_CancelledDuringSearch_StopsStartingTrials()
    {
        var (inputs, target) = SearchData.Steps(40);
        using var cancellation = new CancellationTokenSource();
        var progress = new RecordingProgress(_ => cancellation.Cancel());

        Assert.Throws<OperationCanceledException>(() =>
            DepthGrid(maxParallelTrials: 1).Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"), progress, cancellation.Token));

        Assert.Single(progress.Reports);
    }

    [Fact]
    public void Run_ProgressThrows_SearchStopsWithThatException()
    {
        var (inputs, target) = SearchData.Steps(40);
        var progress = new RecordingProgress(_ => throw new IOException("log store is down"));

        var error = Assert.Throws<IOException>(() =>
            DepthGrid(maxParallelTrials: 1).Run(SearchData.Tree(), inputs, target, FiveFolds, MetricCatalog.Get("mse"), progress));

        Assert.Equal("log store is down", error.Message);
        Assert.Single(progress.Reports);
    }

    /// <summary>A synchronous progress sink that records reports and notices overlapping calls.</summary>
    private sealed class RecordingProgress(Action<SearchProgress>? onReport = null) : IProgress<SearchProgress>
    {
        private int _active;

        public List<SearchProgress> Reports { get; } = [];

        public int MaxConcurrentCalls { get; private set; }

        public void Report(SearchProgress value)
        {
            var active = Interlocked.Increment(ref _active);
            MaxConcurrentCalls = Math.Max(MaxConcurrentCalls, active);
            Reports.Add(value);
            Thread.Sleep(1);
            Interlocked.Decrement(ref _active);
            onReport?.Invoke(value);
        }
    }
}
