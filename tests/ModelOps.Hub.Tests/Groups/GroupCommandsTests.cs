using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Groups;

public sealed class GroupCommandsTests() : HubTests(new SqliteHub())
{
    private const string Refusal =
        "the members of a group must read the same inputs: credit/1 reads inputs (checking_status string, housing string, duration int64, credit_amount int64, age int64), " +
        "not the champion's (season int64, hr int64, weekday int64, workingday int64, weathersit int64, temp float64, hum float64, windspeed float64)";

    [Fact]
    public async Task SetSplit_NewChampionReadingOtherInputs_Is400LikePromote()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);

        var split = await Hub.Scientist.PutAsJsonAsync("/api/groups/rides/split", new { champion = new { model = "credit", version = 1 } }).ProblemAsync();
        var promote = await Hub.Scientist.PostAsJsonAsync("/api/groups/rides/promote", new { model = "credit", version = 1 }).ProblemAsync();

        Assert.Equal((400, Refusal), split);
        Assert.Equal((400, Refusal), promote);
        var group = await Hub.Store.Groups.GetGroupAsync("rides");
        Assert.Equal(("bike", 1), (group.Champion.Model, group.Champion.Version));
    }

    [Fact]
    public async Task SetSplit_MembersReadingTheGroupsInputs_IsApplied()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100);

        using var response = await Hub.Scientist.PutAsJsonAsync("/api/groups/rides/split", new
        {
            champion = new { model = "bike", version = 3, weight = 70 },
            challengers = new[] { new { model = "bike", version = 1, weight = 30 } },
        });

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var group = await Hub.Store.Groups.GetGroupAsync("rides");
        Assert.Equal(("bike", 3, 70), (group.Champion.Model, group.Champion.Version, group.Champion.Weight));
    }
}
