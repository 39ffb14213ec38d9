using ModelOps.Core.Features;
using ModelOps.Core.Learners;
using ModelOps.Core.Learners.Linear;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Splitting;
using ModelOps.Jobs.Configuration;

namespace ModelOps.Jobs.Tests.Configuration;

public sealed class ConfigBinderTests
{
    private static ConfigKinds Kinds() => ConfigKinds.CreateStandard()
        .Add<TestJob, TestTrainingJob>("TrainingJob")
        .Add<TestJob, TestPromotionJob>("PromotionJob");

    private static TestConfig Bind(string yaml) =>
        new ConfigBinder(Kinds()).Bind<TestConfig>(new ConfigLoader(_ => null).Merge([new("job.yaml", yaml)]));

    private static string Error(string yaml) => Assert.Throws<ConfigException>(() => Bind(yaml)).Message;

    [Fact]
    public void Bind_RealisticTrainingJob_BindsNestedKinds()
    {
        var config = Bind(
            """
            job:
              KIND: TrainingJob
              model: {KIND: GradientBoostingRegressor, max_iter: 300, learning_rate: 0.1}
              features: [{KIND: OneHot, columns: [season, weathersit]}, {KIND: Passthrough, columns: [hr, temp]}]
              splitter: {KIND: TimeSeriesSplit, n_splits: 5, gap: 24}
              mode: fast
              tags: {team: bikes}
            """);

        var job = Assert.IsType<TestTrainingJob>(config.Job);
        Assert.Equal(new GradientBoostingRegressorOptions { MaxIter = 300, LearningRate = 0.1 }, job.Model);
        Assert.Equal(2, job.Features.Count);
        Assert.Equal(["season", "weathersit"], Assert.IsType<OneHotStep>(job.Features[0]).Columns);
        Assert.Equal(["hr", "temp"], Assert.IsType<PassthroughStep>(job.Features[1]).Columns);
        Assert.Equal(new TimeSeriesSplitOptions { NSplits = 5, Gap = 24 }, job.Splitter);
        Assert.Equal(TestMode.Fast, job.Mode);
        Assert.Equal("bikes", job.Tags["team"]);
        Assert.Null(job.Description);
    }

    [Fact]
    public void Bind_UnknownField_SuggestsClosest()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model:\n    KIND: GradientBoostingRegressor\n    max_dept: 3\n");

        Assert.Equal("job.yaml:5: job.model.max_dept: unknown field, did you mean max_depth?", message);
    }

    [Fact]
    public void Bind_WrongType_NamesExpectedAndFound()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: GradientBoostingRegressor, max_depth: deep}\n");

        Assert.Equal("job.yaml:3: job.model.max_depth: expected an integer, found 'deep'", message);
    }

    [Fact]
    public void Bind_MissingRequiredField_NamesIt()
    {
        var message = Error("job:\n  KIND: PromotionJob\n  alias: Champion\n");

        Assert.Equal("job.yaml:2: job: missing field 'model_name'", message);
    }

    [Fact]
    public void Bind_MissingConstructorParameter_NamesIt()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: Ridge}\n  features: [{KIND: OneHot}]\n");

        Assert.Equal("job.yaml:4: job.features[0]: missing field 'columns'", message);
    }

    [Fact]
    public void Bind_UnknownKind_SuggestsClosest()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: GradientBoost}\n");

        Assert.Equal("job.yaml:3: job.model.KIND: unknown kind 'GradientBoost', did you mean GradientBoostingRegressor?", message);
    }

    [Fact]
    public void Bind_UnknownKindNothingClose_ListsKinds()
    {
        var message = Error("job:\n  KIND: Nonsense\n");

        Assert.Equal("job.yaml:2: job.KIND: unknown kind 'Nonsense', expected one of PromotionJob, TrainingJob", message);
    }

    [Fact]
    public void Bind_LearnerOutOfRange_ReportsValidateAtNode()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: GradientBoostingRegressor, learning_rate: 2}\n");

        Assert.Equal("job.yaml:3: job.model: GradientBoostingRegressor: learning_rate = 2: must be greater than 0 and at most 1.", message);
    }

    [Fact]
    public void Bind_SeveralProblemsAcrossFiles_ListsEachWithItsFile()
    {
        var document = new ConfigLoader(_ => null).Merge(
        [
            new("base.yaml", "job:\n  KIND: TrainingJob\n  model: {KIND: Ridge}\n  mode: fast\n"),
            new(ConfigLoader.ExtrasName(0), "job: {mode: slowest, splitter: {KIND: KFold, n_splits: x}}"),
        ]);

        var error = Assert.Throws<ConfigException>(() => new ConfigBinder(Kinds()).Bind<TestConfig>(document));

        Assert.Equal(
            "2 config problems:\n"
            + "  - --extras[0]:1: job.mode: expected one of Fast, Thorough, found 'slowest'\n"
            + "  - --extras[0]:1: job.splitter.n_splits: expected an integer, found 'x'",
            error.Message);
    }

    [Fact]
    public void Bind_ExtrasChangeKind_ReplacesTheObjectInsteadOfKeepingOldKeys()
    {
        var document = new ConfigLoader(_ => null).Merge(
        [
            new("base.yaml", "job:\n  KIND: TrainingJob\n  model: {KIND: GradientBoostingRegressor, max_iter: 300, learning_rate: 0.1}\n"),
            new(ConfigLoader.ExtrasName(0), """{"job": {"model": {"KIND": "Ridge", "alpha": 2}}}"""),
        ]);

        var config = new ConfigBinder(Kinds()).Bind<TestConfig>(document);

        Assert.Equal(new RidgeOptions { Alpha = 2 }, ((TestTrainingJob)config.Job).Model);
    }

    [Fact]
    public void Bind_ExtrasSameKind_StillMergesKeyByKey()
    {
        var document = new ConfigLoader(_ => null).Merge(
        [
            new("base.yaml", "job:\n  KIND: TrainingJob\n  model: {KIND: GradientBoostingRegressor, max_iter: 300, learning_rate: 0.1}\n"),
            new(ConfigLoader.ExtrasName(0), "job: {model: {KIND: GradientBoostingRegressor, max_iter: 50}}"),
        ]);

        var config = new ConfigBinder(Kinds()).Bind<TestConfig>(document);

        Assert.Equal(new GradientBoostingRegressorOptions { MaxIter = 50, LearningRate = 0.1 }, ((TestTrainingJob)config.Job).Model);
    }

    [Fact]
    public void Bind_ExtrasKeyNull_RemovesTheKeySoTheDefaultApplies()
    {
        var document = new ConfigLoader(_ => null).Merge(
        [
            new("base.yaml", "job:\n  KIND: TrainingJob\n  model: {KIND: Ridge}\n  mode: thorough\n  splitter: {KIND: KFold, n_splits: 3}\n"),
            new(ConfigLoader.ExtrasName(0), "job: {mode: null, splitter: ~}"),
        ]);

        var job = (TestTrainingJob)new ConfigBinder(Kinds()).Bind<TestConfig>(document).Job;

        Assert.Equal(TestMode.Fast, job.Mode);
        Assert.Equal(new TimeSeriesSplitOptions(), job.Splitter);
        Assert.False(((YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)document.Root).Children["job"]).Children.ContainsKey("mode"));
    }

    [Fact]
    public void Bind_SplitSize_IntegerIsCountDecimalIsFraction()
    {
        var config = Bind("job:\n  KIND: TrainingJob\n  model: {KIND: Ridge}\n  splitter: {KIND: TrainTestSplit, test_size: 0.25, train_size: 300}\n");

        var splitter = Assert.IsType<TrainTestSplitOptions>(((TestTrainingJob)config.Job).Splitter);
        Assert.Equal(SplitSize.FromFraction(0.25), splitter.TestSize);
        Assert.Equal(SplitSize.FromCount(300), splitter.TrainSize);
    }

    [Fact]
    public void Bind_InvalidSplitter_ReportsSplitterProblems()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: Ridge}\n  splitter: {KIND: KFold, n_splits: 1}\n");

        Assert.Equal("job.yaml:4: job.splitter: NSplits=1 must be at least 2", message);
    }

    [Fact]
    public void Bind_NullForNonNullable_IsAnError()
    {
        var message = Error("job:\n  KIND: TrainingJob\n  model: {KIND: Ridge, alpha: null}\n");

        Assert.Equal("job.yaml:3: job.model.alpha: expected a number, found nothing", message);
    }
}

public sealed record TestConfig
{
    public required TestJob Job { get; init; }
}

public enum TestMode
{
    Fast,
    Thorough,
}

public abstract record TestJob;

public sealed record TestTrainingJob : TestJob
{
    public required LearnerOptions Model { get; init; }

    public IReadOnlyList<FeatureStep> Features { get; init; } = [];

    public SplitterOptions Splitter { get; init; } = new TimeSeriesSplitOptions();

    public TestMode Mode { get; init; }

    public Dictionary<string, string> Tags { get; init; } = [];

    public string? Description { get; init; }
}

public sealed record TestPromotionJob : TestJob
{
    [System.ComponentModel.DataAnnotations.Required]
    public string ModelName { get; init; } = string.Empty;

    public string Alias { get; init; } = "Champion";

    public int? Version { get; init; }
}
