namespace ModelOps.Hub.Tests;

public sealed class HubOptionsTests
{
    [Fact]
    public void Validate_OutOfRange_ListsEveryProblem()
    {
        var options = new HubOptions { LogQueueCapacity = 0, MaxRecordsPerRequest = 0, RefreshInterval = TimeSpan.Zero, ShutdownDrain = TimeSpan.FromSeconds(21), Urls = " " };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(
            "Invalid hub options: The field MaxRecordsPerRequest must be between 1 and 100000. The field LogQueueCapacity must be between 1 and 1000000. " +
            "The field RefreshInterval must be positive. The field ShutdownDrain must be between 0 and 20 seconds. The field Urls must name at least one address.",
            error.Message);
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        new HubOptions().Validate();

        Assert.Equal(HubDefaults.LogQueueCapacity, new HubOptions().LogQueueCapacity);
    }

    [Fact]
    public void Store_Default_SqliteCommitsDoNotWaitForTheDiskAndCheckpointInTheBackground()
    {
        var store = new HubOptions().Store;

        // What a SQLite URL does not say; how the store applies them: SqliteCheckpointTests.
        Assert.True(store.SqliteSynchronousNormal);
        Assert.Equal(TimeSpan.FromMilliseconds(200), store.SqliteCheckpointInterval);
    }
}
