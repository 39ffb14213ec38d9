using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Inference;

/// <summary>
/// The inference statistics kept with the log: after mixed traffic, promotions, labels and overwritten labels, the
/// report from the statistics of any window equals the exact report of its rows (<see cref="ReportAssert"/>); a write
/// that fails changes nothing; concurrent writers lose nothing; a deleted group's statistics go with it.
/// </summary>
public abstract class InferenceStatisticsTests(IStoreBackend backend) : StoreTests(backend)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 22, 17, 41, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Statistics_MixedTrafficPromotionsAndLabels_GiveTheExactReportOfEveryWindow(bool classification)
    {
        await CreateGroupAsync("g");
        var random = new Random(classification ? 7 : 8);
        var records = new List<InferenceRecord>();
        for (var i = 0; i < 3000; i++)
        {
            // Two days and a bit: version 2 is a challenger, then (a promotion) the champion; version 3 a shadow throughout.
            var time = Start.AddSeconds(i * 61.3);
            var promoted = i >= 2000;
            var (version, role) = (i % 3) switch
            {
                0 => (1, promoted ? GroupRole.Challenger : GroupRole.Champion),
                1 => (2, promoted ? GroupRole.Champion : GroupRole.Challenger),
                _ => (3, GroupRole.Shadow),
            };
            records.Add(Record("g", $"r{i}", time, version, role, random, classification, failed: i % 97 == 5));
        }

        foreach (var batch in records.Chunk(250))
        {
            await Store.InferenceLog.AppendInferencesAsync(batch);
        }

        for (var i = 0; i < 3000; i += 2)
        {
            await Store.InferenceLog.SetLabelAsync("g", $"r{i}", null, Label(random, classification));
        }

        for (var i = 0; i < 3000; i += 10)
        {
            await Store.InferenceLog.SetLabelAsync("g", $"r{i}", null, Label(random, classification), overwrite: true);
        }

        var task = classification ? ModelTask.BinaryClassification : ModelTask.Regression;
        (DateTimeOffset? From, DateTimeOffset? To, TimeSpan Bucket)[] windows =
        [
            (null, null, TimeSpan.FromHours(1)),
            (null, null, TimeSpan.FromDays(1)),
            (Whole(Start.AddHours(3).AddMinutes(7)), Whole(Start.AddHours(40)), TimeSpan.FromMinutes(15)),
            (new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(6)),
        ];
        foreach (var (from, to, bucket) in windows)
        {
            var options = new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1, BucketSize = bucket };
            var rows = await Store.InferenceLog.ReadOutcomesAsync("g", from, to);
            var exact = GroupAnalytics.Compute([.. rows.Select(r => r.ToScoredRow())], task, options);
            var served = GroupAnalytics.FromStatistics(await Store.InferenceLog.ReadStatisticsAsync("g", from, to, bucket), task, options);
            ReportAssert.Equivalent(exact, served);
            Assert.True(exact.Rows > 500, $"window {from} to {to}: {exact.Rows} rows");
        }
    }

    [Fact]
    public async Task Migration9_AGroupLoggedBefore_GetsItsStatisticsBuiltInChunksWithProgress()
    {
        await CreateGroupAsync("g");
        var random = new Random(11);
        for (var b = 0; b < 25; b++)
        {
            await Store.InferenceLog.AppendInferencesAsync([.. Enumerable.Range(0, 1000).Select(i =>
                Record("g", $"r{b}-{i}", Start.AddSeconds((b * 1000) + i), 1 + (i % 2), GroupRole.Champion, random, false, i % 50 == 0))]);
        }

        for (var i = 0; i < 1000; i += 3)
        {
            await Store.InferenceLog.SetLabelAsync("g", $"r0-{i}", null, 100.0 + i);
        }

        // The database as migration 8 left it: no statistics.
        await ScalarAsync("DROP TABLE hub_session_keys; DELETE FROM schema_version WHERE version = 11; ALTER TABLE model_groups DROP COLUMN statistics_through_id; DELETE FROM schema_version WHERE version = 10; DROP TABLE inference_statistics_backfill; DROP TABLE inference_statistics; ALTER TABLE model_groups DROP COLUMN guardrails; DELETE FROM schema_version WHERE version = 9");
        var told = new List<string>();
        var upgraded = await OpenAsync(new StoreOptions { TimeProvider = Clock, ArtifactRoot = Backend.ArtifactRoot, Actor = "tester", Progress = told.Add });
        await upgraded.InferenceLog.SetLabelAsync("g", "r1-1", null, 7.0);

        Assert.Equal(
            ["inference statistics of group 'g': rows up to id 20,000 of 25,000 counted", "inference statistics of group 'g': rows up to id 25,000 of 25,000 counted"],
            told);
        Assert.Equal(0L, Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM inference_statistics_backfill"), System.Globalization.CultureInfo.InvariantCulture));
        var rows = await upgraded.InferenceLog.ReadOutcomesAsync("g");
        var options = new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1 };
        var exact = GroupAnalytics.Compute([.. rows.Select(r => r.ToScoredRow())], ModelTask.Regression, options);
        ReportAssert.Equivalent(exact, await ReportAsync("g"));
        // 334 labels before, 1 after; the 7 on failed rows (every 150th) count as no label.
        Assert.Equal(328, exact.Models.Sum(m => m.Labelled));
    }

    [Fact]
    public async Task Statistics_ALabelThatConflicts_ChangesNothing()
    {
        await CreateGroupAsync("g");
        var random = new Random(3);
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "a", Start, 1, GroupRole.Champion, random, false, false), Record("g", "b", Start, 1, GroupRole.Champion, random, false, false)]);
        await Store.InferenceLog.SetLabelAsync("g", "a", null, 10.0);
        var before = await ReportAsync("g");

        await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.SetLabelAsync("g", "a", null, 20.0));

        var after = await ReportAsync("g");
        Assert.Equal(before.Models[0].Labelled, after.Models[0].Labelled);
        Assert.Equal(before.Models[0].Regression!.Rmse, after.Models[0].Regression!.Rmse);
    }

    [Fact]
    public async Task Statistics_ConcurrentWritersAndLabels_LoseNothing()
    {
        await CreateGroupAsync("g");
        var writers = Enumerable.Range(0, 6).Select(async w =>
        {
            // Each writer folds after every 30 of its rows: folds run all the time, beside the other writers' appends and labels.
            await using var store = await OpenAsync(Options(statisticsFoldRows: 30));
            var random = new Random(w);
            for (var b = 0; b < 10; b++)
            {
                // Every writer writes into the same cells (one minute), and labels its previous batch meanwhile.
                var batch = Enumerable.Range(0, 20).Select(i => Record("g", $"w{w}-{b}-{i}", Start.AddSeconds(i), 1 + (i % 2), GroupRole.Champion, random, false, false)).ToList();
                await store.InferenceLog.AppendInferencesAsync(batch);
                if (b > 0)
                {
                    for (var i = 0; i < 20; i += 4)
                    {
                        await store.InferenceLog.SetLabelAsync("g", $"w{w}-{b - 1}-{i}", null, 100.0 + i);
                    }
                }
            }
        });
        await Task.WhenAll(writers);

        var options = new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1 };
        var rows = await Store.InferenceLog.ReadOutcomesAsync("g");
        Assert.Equal(6 * 10 * 20, rows.Count);
        var exact = GroupAnalytics.Compute([.. rows.Select(r => r.ToScoredRow())], ModelTask.Regression, options);
        ReportAssert.Equivalent(exact, await ReportAsync("g"));
        Assert.Equal(6 * 9 * 5, exact.Models.Sum(m => m.Labelled));
        var through = Convert.ToInt64(await ScalarAsync("SELECT statistics_through_id FROM model_groups WHERE name = 'g'"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(through, 6 * 9 * 20 / 2, 6 * 10 * 20);
    }

    [Fact]
    public async Task Statistics_RowsNotFoldedYet_CountInReads_AndAFoldMovesThemIntoTheCellsOnce()
    {
        await CreateGroupAsync("g");
        var store = await OpenAsync(Options(statisticsFoldRows: 100));
        var random = new Random(5);
        var options = new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1 };
        async Task<long> ThroughAsync() => Convert.ToInt64(await ScalarAsync("SELECT statistics_through_id FROM model_groups WHERE name = 'g'"), System.Globalization.CultureInfo.InvariantCulture);
        async Task SameAsExactAsync()
        {
            var rows = await store.InferenceLog.ReadOutcomesAsync("g");
            ReportAssert.Equivalent(GroupAnalytics.Compute([.. rows.Select(r => r.ToScoredRow())], ModelTask.Regression, options), await ReportAsync("g"));
        }

        // 60 rows: below the fold, so the report counts them from the rows; 60 more reach 120 and fold every row logged.
        await store.InferenceLog.AppendInferencesAsync([.. Enumerable.Range(0, 60).Select(i => Record("g", $"a{i}", Start.AddSeconds(i), 1, GroupRole.Champion, random, false, false))]);
        Assert.Equal(0, await ThroughAsync());
        await store.InferenceLog.SetLabelAsync("g", "a3", null, 150.0);
        await SameAsExactAsync();

        await store.InferenceLog.AppendInferencesAsync([.. Enumerable.Range(60, 60).Select(i => Record("g", $"a{i}", Start.AddSeconds(i), 1 + (i % 2), GroupRole.Champion, random, false, false))]);
        Assert.Equal(120, await ThroughAsync());
        await store.InferenceLog.SetLabelAsync("g", "a4", null, 160.0);
        await store.InferenceLog.SetLabelAsync("g", "a3", null, 170.0, overwrite: true);
        await SameAsExactAsync();
    }

    [Fact]
    public async Task DeleteGroup_TakesItsStatistics_ASameNamedGroupStartsEmpty()
    {
        await CreateGroupAsync("g");
        await Store.InferenceLog.AppendInferencesAsync([Record("g", "a", Start, 1, GroupRole.Champion, new Random(1), false, false)]);
        Assert.Equal(1, (await ReportAsync("g")).Rows);

        await Store.Groups.DeleteGroupAsync("g", "alice");
        await Store.Groups.CreateGroupAsync(new NewModelGroup("g", [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Delete), "alice");

        Assert.Equal(0, (await ReportAsync("g")).Rows);
        Assert.Empty(await Store.InferenceLog.ReadStatisticsAsync("g", null, null, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task ReadStatistics_BucketOfSeconds_IsRefusedWithWhy()
    {
        await CreateGroupAsync("g");

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.InferenceLog.ReadStatisticsAsync("g", null, null, TimeSpan.FromSeconds(90)));

        Assert.Equal((StoreErrorKind.Invalid, "a bucket of 00:01:30 is not a whole number of minutes"), (error.Kind, error.Message));
    }

    // Served windows are whole minutes: the exact report of the same rows needs the same edges.
    private static DateTimeOffset Whole(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerMinute));

    private async Task<GroupAnalyticsReport> ReportAsync(string group) => GroupAnalytics.FromStatistics(
        await Store.InferenceLog.ReadStatisticsAsync(group, null, null, TimeSpan.FromHours(1)),
        ModelTask.Regression,
        new AnalyticsOptions { ChampionModel = "bike", ChampionVersion = 1 });

    private async Task CreateGroupAsync(string name)
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("bike", $"file:///bike/{i}.json"));
        }

        await Store.Groups.CreateGroupAsync(new NewModelGroup(name,
            [new GroupMember("bike", 1, GroupRole.Champion, 90), new GroupMember("bike", 2, GroupRole.Challenger, 10), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
            GroupDeletionPolicy.Delete), "alice");
    }

    private static double Label(Random random, bool classification) => classification ? (random.NextDouble() < 0.4 ? 1.0 : 0.0) : Math.Round(200 + (100 * random.NextDouble()), 1);

    // A classifier's row has a probability (and a 0/1 prediction); a regressor's has none. Latencies with sub-microsecond digits and a few zeros.
    private static InferenceRecord Record(string group, string request, DateTimeOffset time, int version, GroupRole role, Random random, bool classification, bool failed)
    {
        var latency = random.Next(10) == 0 ? 0.0 : 2.0 + (random.NextDouble() * 30.0);
        if (failed)
        {
            return new(group, request, 0, time, "bike", version, role, null, "{}", null, null, null, latency, "scoring failed");
        }

        if (classification)
        {
            var p = random.NextDouble();
            return new(group, request, 0, time, "bike", version, role, null, "{}", p > 0.5 ? 1.0 : 0.0, p, null, latency, null);
        }

        return new(group, request, 0, time, "bike", version, role, null, "{}", 150.0 + (version * 10) + (random.NextDouble() * 100.0), null, null, latency, null);
    }
}

public sealed class SqliteInferenceStatisticsTests() : InferenceStatisticsTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresInferenceStatisticsTests(PostgresServer server) : InferenceStatisticsTests(new PostgresBackend(server));
