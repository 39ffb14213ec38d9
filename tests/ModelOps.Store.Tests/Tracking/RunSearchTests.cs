using ModelOps.Store.Tests.Infrastructure;
using ModelOps.Store.Tracking;

namespace ModelOps.Store.Tests.Tracking;

/// <summary><see cref="ITrackingStore.SearchRunsAsync"/>: the filter language, orders and pages, on both backends.</summary>
public abstract class RunSearchTests(IStoreBackend backend) : StoreTests(backend)
{
    // Five runs of "bike": rmse 80, 60, 70 (then 65 at a later step), none, and a failed one; one run of "credit".
    private async Task<string[]> SeedAsync()
    {
        var ids = new List<string>();
        var specs = new (string Name, string Model, double? Rmse, RunStatus Status)[]
        {
            ("train-a", "GradientBoostingRegressor", 80, RunStatus.Finished),
            ("train-b", "RandomForestRegressor", 60, RunStatus.Finished),
            ("Tune_c", "GradientBoostingRegressor", 70, RunStatus.Finished),
            ("plain", "Ridge", null, RunStatus.Finished),
            ("broken", "GradientBoostingRegressor", null, RunStatus.Failed),
        };
        foreach (var (name, model, rmse, status) in specs)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            var run = await Store.StartRunAsync("bike", new RunStart { Name = name, Tags = new Dictionary<string, string> { ["team"] = name.StartsWith("train", StringComparison.Ordinal) ? "a" : "b" } });
            await Store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["model"] = model });
            if (rmse is { } value)
            {
                await Store.LogMetricsAsync(run.Id, [new MetricPoint("rmse", value, 0, Clock.GetUtcNow())]);
            }

            await Store.EndRunAsync(run.Id, status);
            ids.Add(run.Id);
        }

        // The latest step counts: Tune_c's rmse is 65 now.
        await Store.LogMetricsAsync(ids[2], [new MetricPoint("rmse", 65, 1, Clock.GetUtcNow())]);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.StartRunAsync("credit", new RunStart { Name = "train-credit" });
        return [.. ids];
    }

    private async Task<string[]> NamesAsync(RunSearch search) => [.. (await Store.SearchRunsAsync(search)).Runs.Select(r => r.Info.Name)];

    [Fact]
    public async Task Search_NoFilter_NewestFirstWithLatestMetricsParamsAndTags()
    {
        var ids = await SeedAsync();

        var page = await Store.SearchRunsAsync(new RunSearch { Experiment = "bike" });

        Assert.Equal(["broken", "plain", "Tune_c", "train-b", "train-a"], page.Runs.Select(r => r.Info.Name));
        Assert.Equal(5, page.Total);
        var tune = page.Runs.Single(r => r.Info.Id == ids[2]);
        Assert.Equal(new Dictionary<string, double> { ["rmse"] = 65 }, tune.Metrics);
        Assert.Equal(new Dictionary<string, string> { ["model"] = "GradientBoostingRegressor" }, tune.Parameters);
        Assert.Equal("b", tune.Tags["team"]);
        Assert.Equal(6, (await Store.SearchRunsAsync(new RunSearch())).Total);
    }

    [Theory]
    [InlineData("metrics.rmse < 70", "Tune_c,train-b")]
    [InlineData("metrics.rmse >= 65 and metrics.rmse != 80", "Tune_c")]
    [InlineData("params.model = 'GradientBoostingRegressor'", "broken,Tune_c,train-a")]
    [InlineData("params.model != 'GradientBoostingRegressor'", "plain,train-b")]
    [InlineData("params.model ~ 'forest'", "train-b")]
    [InlineData("name ~ 'TUNE'", "Tune_c")]
    [InlineData("name = 'plain'", "plain")]
    [InlineData("status = failed", "broken")]
    [InlineData("STATUS != 'FAILED' AND tags.team = 'a'", "train-b,train-a")]
    [InlineData("tags.team ~ 'b' and params.model ~ 'gradient' and metrics.rmse > 0", "Tune_c")]
    [InlineData("name ~ '_'", "Tune_c")]
    [InlineData("name ~ '%'", "")]
    public async Task Search_Filter_KeepsTheRunsThatMeetEveryCondition(string filter, string expected)
    {
        await SeedAsync();

        var names = await NamesAsync(new RunSearch { Experiment = "bike", Filter = filter });

        Assert.Equal(expected.Length == 0 ? [] : expected.Split(','), names);
    }

    [Theory]
    [InlineData("metrics.rmse asc", "train-b,Tune_c,train-a,broken,plain")]
    [InlineData("metrics.rmse desc", "train-a,Tune_c,train-b,broken,plain")]
    [InlineData("name", "broken,plain,train-a,train-b,Tune_c")]
    [InlineData("params.model desc", "plain,train-b,broken,Tune_c,train-a")]
    [InlineData("started asc", "train-a,train-b,Tune_c,plain,broken")]
    public async Task Search_OrderBy_SortsAndPutsRunsWithoutTheValueLast(string orderBy, string expected)
    {
        await SeedAsync();

        var names = await NamesAsync(new RunSearch { Experiment = "bike", OrderBy = orderBy });

        Assert.Equal(expected.Split(','), names);
    }

    [Fact]
    public async Task Search_Pages_SplitTheOrderAndKeepTheTotal()
    {
        await SeedAsync();

        var first = await Store.SearchRunsAsync(new RunSearch { Experiment = "bike", OrderBy = "metrics.rmse asc", Limit = 2 });
        var second = await Store.SearchRunsAsync(new RunSearch { Experiment = "bike", OrderBy = "metrics.rmse asc", Limit = 2, Offset = 2 });
        var last = await Store.SearchRunsAsync(new RunSearch { Experiment = "bike", OrderBy = "metrics.rmse asc", Limit = 2, Offset = 4 });

        Assert.Equal(["train-b", "Tune_c"], first.Runs.Select(r => r.Info.Name));
        Assert.Equal(["train-a", "broken"], second.Runs.Select(r => r.Info.Name));
        Assert.Equal(["plain"], last.Runs.Select(r => r.Info.Name));
        Assert.All([first, second, last], p => Assert.Equal(5, p.Total));
    }

    [Theory]
    [InlineData("metrics.rmse < abc", "filter: at character 16: metrics.rmse is compared with a number, found 'abc'")]
    [InlineData("metric.rmse < 1", "filter: at character 1: expected a field (name, status, params.KEY, metrics.KEY, tags.KEY), found 'metric.rmse'")]
    [InlineData("name < 'x'", "filter: at character 6: name takes =, != or ~")]
    [InlineData("status ~ 'fail'", "filter: at character 8: status takes = or !=")]
    [InlineData("status = done", "filter: at character 10: status is RUNNING, FINISHED or FAILED, not 'done'")]
    [InlineData("name = 'x' or name = 'y'", "filter: at character 12: expected 'and' between conditions, found 'or'")]
    [InlineData("params.model = 'x", "filter: at character 16: the quoted value opened here is not closed with '")]
    [InlineData("params.model = x", "filter: at character 16: expected a quoted value ('...' or \"...\") after params.model, found 'x'")]
    [InlineData("name 'x'", "filter: at character 6: expected an operator (=, !=, <, <=, >, >=, ~), found nothing")]
    public async Task Search_BadFilter_IsInvalidNamingWhereAndWhat(string filter, string message)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.SearchRunsAsync(new RunSearch { Filter = filter }));

        Assert.Equal((StoreErrorKind.Invalid, message), (error.Kind, error.Message));
    }

    [Theory]
    [InlineData("rmse", 50, 0, "order: unknown field 'rmse'; order by started, ended, name, status, metrics.KEY or params.KEY")]
    [InlineData("metrics.rmse up", 50, 0, "order: expected a field and asc or desc (started desc, metrics.rmse asc), not 'metrics.rmse up'")]
    [InlineData(null, 0, 0, "page: limit must be 1 to 1000 and offset at least 0, not limit 0 and offset 0")]
    [InlineData(null, 10, -1, "page: limit must be 1 to 1000 and offset at least 0, not limit 10 and offset -1")]
    public async Task Search_BadOrderOrPage_IsInvalid(string? orderBy, int limit, int offset, string message)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.SearchRunsAsync(new RunSearch { OrderBy = orderBy, Limit = limit, Offset = offset }));

        Assert.Equal((StoreErrorKind.Invalid, message), (error.Kind, error.Message));
    }

    [Fact]
    public async Task Search_QuotesInValues_AreDataNotSql()
    {
        var run = await Store.StartRunAsync("bike", new RunStart { Name = "it's" });
        await Store.LogParametersAsync(run.Id, new Dictionary<string, string> { ["note"] = "a 'quoted' \"text\"; DROP TABLE runs" });

        Assert.Equal(["it's"], await NamesAsync(new RunSearch { Filter = "name = 'it''s'" }));
        Assert.Equal(["it's"], await NamesAsync(new RunSearch { Filter = "params.note = \"a 'quoted' \"\"text\"\"; DROP TABLE runs\"" }));
    }

    [Fact]
    public async Task Search_UnknownExperiment_IsNotFound()
    {
        await Store.StartRunAsync("bike");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.SearchRunsAsync(new RunSearch { Experiment = "bkie" }));

        Assert.Equal((StoreErrorKind.NotFound, "experiment 'bkie' not found; experiments are: bike (did you mean bike?)"), (error.Kind, error.Message));
    }
}

public sealed class SqliteRunSearchTests() : RunSearchTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresRunSearchTests(PostgresServer server) : RunSearchTests(new PostgresBackend(server));
