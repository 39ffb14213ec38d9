using System.Text.Json;
using ModelOps.Core.Analytics;
using ModelOps.Core.Learning;
using ModelOps.Store.Groups;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ModelOps.Store.Tests.Groups;

/// <summary>
/// Guardrails: rules are checked and kept with the group; a tripped rule takes the Challenger's traffic in one audited
/// transaction (once, however many hubs try); and in a seeded simulation a rule looked at every 50 labelled rows trips
/// on a worse Challenger and, within its confidence level, not on an equal one.
/// </summary>
public abstract class GuardrailTests(IStoreBackend backend) : StoreTests(backend)
{
    [Fact]
    public async Task SetGuardrails_InvalidRules_AreListedAndNothingChanges_ValidOnesAreKeptAndAudited()
    {
        await CreateGroupAsync();

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Groups.SetGuardrailsAsync("g",
            [new GroupGuardrail("worse"), new GroupGuardrail(GuardrailKinds.ErrorRate, 1.5), new GroupGuardrail(GuardrailKinds.ChampionBetter, 0.1, -1)], "alice"));
        var rules = new[] { new GroupGuardrail(GuardrailKinds.ChampionBetter, MinPairs: 200), new GroupGuardrail(GuardrailKinds.ErrorRate, 0.05) };
        var set = await Store.Groups.SetGuardrailsAsync("g", rules, "alice");

        Assert.Equal(
            "the guardrails of group 'g' are invalid: guardrails[0].kind: 'worse' is not a guardrail; use champion_better or error_rate; "
            + "guardrails[1].maxErrorRate: an error_rate guardrail needs a rate strictly between 0 and 1, got 1.5; "
            + "guardrails[2].maxErrorRate: only an error_rate guardrail takes a rate; guardrails[2].minPairs: must be 0 or more, got -1",
            error.Message);
        Assert.Equal(rules, set.Guardrails);
        Assert.Equal(rules, (await Store.Groups.GetGroupAsync("g")).Guardrails);
        var audit = (await Store.Groups.GetGroupAuditAsync("g"))[^1];
        Assert.Equal(("guardrails", "alice"), (audit.Action, audit.Actor));
        Assert.Equal("""{"before":[],"after":[{"kind":"champion_better","maxErrorRate":null,"minPairs":200},{"kind":"error_rate","maxErrorRate":0.05,"minPairs":0}]}""", audit.Detail);
        Assert.Empty((await Store.Groups.SetGuardrailsAsync("g", [], "alice")).Guardrails);
    }

    [Fact]
    public async Task TakeTraffic_TrippedChallenger_BecomesAShadowTheChampionTakesItsWeight_OnceOnly()
    {
        await CreateGroupAsync();
        var trip = new GuardrailTrip("bike", 2, new GroupGuardrail(GuardrailKinds.ErrorRate, 0.05), "the error rate 9.00 % (9 of 100 requests) is above 5.00 %", null, null);

        var audit = await Store.Groups.TakeTrafficAsync("g", trip);
        var again = await Store.Groups.TakeTrafficAsync("g", trip);

        Assert.NotNull(audit);
        Assert.Null(again);
        var group = await Store.Groups.GetGroupAsync("g");
        Assert.Equal([new GroupMember("bike", 1, GroupRole.Champion, 100), new GroupMember("bike", 2, GroupRole.Shadow, 0), new GroupMember("bike", 3, GroupRole.Shadow, 0)], group.Members.OrderBy(m => m.Version));
        Assert.Equal(("guardrail", "guardrail"), (audit.Action, audit.Actor));
        using var detail = JsonDocument.Parse(audit.Detail);
        Assert.Equal("the error rate 9.00 % (9 of 100 requests) is above 5.00 %", detail.RootElement.GetProperty("reason").GetString());
        Assert.Equal("error_rate", detail.RootElement.GetProperty("rule").GetProperty("kind").GetString());
        Assert.Equal("""[{"model":"bike","version":1,"role":"champion","weight":100},{"model":"bike","version":2,"role":"shadow","weight":0},{"model":"bike","version":3,"role":"shadow","weight":0}]""", detail.RootElement.GetProperty("after").GetRawText());
    }

    private async Task CreateGroupAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("bike", $"file:///bike/{i}.json"));
        }

        await Store.Groups.CreateGroupAsync(new NewModelGroup("g",
            [new GroupMember("bike", 1, GroupRole.Champion, 80), new GroupMember("bike", 2, GroupRole.Challenger, 20), new GroupMember("bike", 3, GroupRole.Shadow, 0)],
            GroupDeletionPolicy.Delete), "alice");
    }
}

public sealed class SqliteGuardrailTests() : GuardrailTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresGuardrailTests(PostgresServer server) : GuardrailTests(new PostgresBackend(server));

/// <summary>The rules' decisions from statistics, looked at again and again (seeded simulations: the figures are exact).</summary>
public sealed class GuardrailSimulationTests(ITestOutputHelper output)
{
    private const int Replications = 400;
    private const int Rows = 4000;
    private const int LookEvery = 50;

    private static readonly ModelGroup Group = new("g", "inference_log_g", GroupDeletionPolicy.Delete, null,
        [new GroupMember("m", 1, GroupRole.Champion, 50), new GroupMember("m", 2, GroupRole.Challenger, 50)], 1, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void ChampionBetter_EqualChallengerLookedAtEvery50Rows_TripsWithinTheConfidenceLevel_AWorseOneTrips()
    {
        var equal = Run(challengerNoise: 1.0, seed: 20261207);
        var worse = Run(challengerNoise: 1.15, seed: 20261208);
        output.WriteLine($"equal challenger: tripped in {equal.Tripped} of {Replications} replications ({(double)equal.Tripped / Replications:P2}); "
            + $"worse (residual sd 1.15 vs 1.0): {worse.Tripped} ({(double)worse.Tripped / Replications:P2}), median {worse.MedianRows} labelled rows of the challenger");

        Assert.True(equal.Tripped <= Replications * 0.06, $"{equal.Tripped} false trips of {Replications}");
        Assert.True(worse.Tripped >= Replications * 0.9, $"{worse.Tripped} trips of {Replications}");
    }

    [Fact]
    public void ErrorRate_ChallengerFailingMoreThanTheThreshold_Trips_OneBelowItDoesNot()
    {
        Assert.NotEmpty(Evaluate(errors: 90, requests: 1000));
        Assert.Empty(Evaluate(errors: 40, requests: 1000));

        static IReadOnlyList<GuardrailTrip> Evaluate(int errors, int requests)
        {
            var challenger = new OutcomeStatistics();
            var champion = new OutcomeStatistics();
            for (var i = 0; i < requests; i++)
            {
                challenger.Apply(new ScoredRow("m", 2, "challenger", DateTimeOffset.UnixEpoch, 1.0, null, null, 5.0, i < errors), ModelTask.Regression);
                champion.Apply(new ScoredRow("m", 1, "champion", DateTimeOffset.UnixEpoch, 1.0, null, null, 5.0, false), ModelTask.Regression);
            }

            var report = GroupAnalytics.FromStatistics(
                [new StatisticsCell("m", 1, "champion", DateTimeOffset.UnixEpoch, champion.ToBytes()), new StatisticsCell("m", 2, "challenger", DateTimeOffset.UnixEpoch, challenger.ToBytes())],
                ModelTask.Regression, new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1 });
            return GroupGuardrail.Evaluate(Group, [new GroupGuardrail(GuardrailKinds.ErrorRate, 0.06, MinPairs: 100)], report);
        }
    }

    // Each replication: labelled regression rows for both (residuals N(0, 1) for the champion, N(0, noise²) for the
    // challenger), the champion_better rule checked every 50 rows; the replication counts when it ever trips.
    private static (int Tripped, int MedianRows) Run(double challengerNoise, ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var rules = new[] { new GroupGuardrail(GuardrailKinds.ChampionBetter) };
        var tripped = 0;
        var at = new List<int>();
        for (var r = 0; r < Replications; r++)
        {
            var champion = new OutcomeStatistics();
            var challenger = new OutcomeStatistics();
            for (var n = 1; n <= Rows; n++)
            {
                champion.Apply(Row(1, "champion", random, 1.0), ModelTask.Regression);
                challenger.Apply(Row(2, "challenger", random, challengerNoise), ModelTask.Regression);
                if (n % LookEvery != 0)
                {
                    continue;
                }

                var report = GroupAnalytics.FromStatistics(
                    [new StatisticsCell("m", 1, "champion", DateTimeOffset.UnixEpoch, champion.ToBytes()), new StatisticsCell("m", 2, "challenger", DateTimeOffset.UnixEpoch, challenger.ToBytes())],
                    ModelTask.Regression, new AnalyticsOptions { ChampionModel = "m", ChampionVersion = 1 });
                if (GroupGuardrail.Evaluate(Group, rules, report).Count > 0)
                {
                    tripped++;
                    at.Add(n);
                    break;
                }
            }
        }

        at.Sort();
        return (tripped, at.Count == 0 ? 0 : at[at.Count / 2]);
    }

    private static ScoredRow Row(int version, string role, Random random, double noise)
    {
        var y = 100.0 * random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
        return new ScoredRow("m", version, role, DateTimeOffset.UnixEpoch, y + (noise * z), null, y, 5.0, false);
    }
}
