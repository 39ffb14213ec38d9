using ModelOps.Store.Inference;

namespace ModelOps.Store.Tests.Inference;

/// <summary>How a window is tiled by the statistics' cells: days inside, hours and minutes at the edges, never wider than the bucket allows.</summary>
public sealed class CellCoverTests
{
    private static long Us(string time) => InferenceStatistics.ToMicroseconds(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Cover_SevenDaysAndEdges_DaysInsideHoursAndMinutesAtTheEdges()
    {
        var ranges = InferenceStatistics.Cover(DateTimeOffset.Parse("2026-12-01T22:17:30Z"), DateTimeOffset.Parse("2026-12-08T03:05:10Z"), InferenceStatistics.DaySeconds);

        Assert.Equal(
            [
                (60L, Us("2026-12-01T22:17:00Z"), Us("2026-12-01T23:00:00Z")),
                (60L, Us("2026-12-08T03:00:00Z"), Us("2026-12-08T03:06:00Z")),
                (3600L, Us("2026-12-01T23:00:00Z"), Us("2026-12-02T00:00:00Z")),
                (3600L, Us("2026-12-08T00:00:00Z"), Us("2026-12-08T03:00:00Z")),
                (86400L, Us("2026-12-02T00:00:00Z"), Us("2026-12-08T00:00:00Z")),
            ],
            ranges);
    }

    [Fact]
    public void Cover_BucketOfFifteenMinutes_UsesMinuteCellsOnly_AndAnAlignedEndIsNotWidened()
    {
        var ranges = InferenceStatistics.Cover(DateTimeOffset.Parse("2026-12-01T10:00:00Z"), DateTimeOffset.Parse("2026-12-01T12:00:00Z"), InferenceStatistics.WidestCell(TimeSpan.FromMinutes(15))!.Value);

        Assert.Equal([(60L, Us("2026-12-01T10:00:00Z"), Us("2026-12-01T12:00:00Z"))], ranges);
    }

    [Theory]
    [InlineData(60, 60L)]
    [InlineData(900, 60L)]
    [InlineData(7200, 3600L)]
    [InlineData(172800, 86400L)]
    [InlineData(90, null)]
    [InlineData(30, null)]
    public void WidestCell_Bucket_IsTheWidestCellThatDividesIt(int seconds, long? widest) =>
        Assert.Equal(widest, InferenceStatistics.WidestCell(TimeSpan.FromSeconds(seconds)));
}
