using Microsoft.Extensions.Logging.Abstractions;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.InferenceLog;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.InferenceLog;

public sealed class InferenceLogWriterTests : IAsyncLifetime
{
    private TempStore _temp = null!;

    private IModelStore Store => _temp.Store;

    public async Task InitializeAsync()
    {
        _temp = await TempStore.OpenAsync("modelops-writer-");
        await TestModels.RegisterAllAsync(Store);
        foreach (var name in new[] { "rides", "trips" })
        {
            await Store.Groups.CreateGroupAsync(new NewModelGroup(name, [new GroupMember("bike", 1, GroupRole.Champion, 100)], GroupDeletionPolicy.Delete), "tests");
        }
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task Commit_FailsOnceForOneGroup_EveryRequestIs503AndNoneOfItsRowsIsEverCommitted()
    {
        // The first transaction fails, the next would succeed: a request answered 503 must not have
        // its rows committed by a retry (a client that retries would be logged twice).
        var log = new FailingAppends(Store.InferenceLog, failures: 1);
        var counters = new HubCounters();
        var writer = Writer(log, counters);
        var first = writer.TryAppend([Record("rides", "a", 0), Record("rides", "a", 1)])!;
        var second = writer.TryAppend([Record("rides", "b", 0)])!;

        await writer.StartAsync(CancellationToken.None);
        var errors = await Task.WhenAll(Outcome(first), Outcome(second));
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(new string?[] { "the database is unavailable (test)", "the database is unavailable (test)" }, errors);
        Assert.Equal(1, log.Calls);
        Assert.Empty(await Store.InferenceLog.ReadOutcomesAsync("rides"));
        var counted = counters.Snapshot();
        Assert.Equal((0L, 0L, 0L, 2L), (counted.QueuedRequests, counted.RowsCommitted, counted.Batches, counted.WriteFailures));
    }

    [Fact]
    public async Task Commit_OneGroupOfTheBatchFails_TheOtherGroupIsCommittedAndCountedOnce()
    {
        // Group 'trips' loses its table after its request is queued: the batch's transaction fails,
        // each group gets one transaction of its own; 'rides' commits, 'trips' is answered 503.
        var counters = new HubCounters();
        var writer = Writer(Store.InferenceLog, counters);
        var rides = writer.TryAppend([Record("rides", "a", 0), Record("rides", "a", 1)])!;
        var trips = writer.TryAppend([Record("trips", "b", 0)])!;
        var more = writer.TryAppend([Record("rides", "c", 0)])!;
        await Store.Groups.DeleteGroupAsync("trips", "tests");

        await writer.StartAsync(CancellationToken.None);
        var errors = await Task.WhenAll(Outcome(rides), Outcome(trips), Outcome(more));
        await writer.StopAsync(CancellationToken.None);

        Assert.Null(errors[0]);
        Assert.NotNull(errors[1]);
        Assert.Null(errors[2]);
        Assert.Equal(3, (await Store.InferenceLog.ReadOutcomesAsync("rides")).Count);
        var counted = counters.Snapshot();
        Assert.Equal((0L, 3L, 1L, 1L), (counted.QueuedRequests, counted.RowsCommitted, counted.Batches, counted.WriteFailures));
    }

    private static InferenceLogWriter Writer(IInferenceLogStore log, HubCounters counters) =>
        new(log, new HubOptions { LogQueueCapacity = 16, LogMaxBatchRows = 1000 }, counters, NullLogger<InferenceLogWriter>.Instance);

    private static async Task<string?> Outcome(Task committed)
    {
        try
        {
            await committed;
            return null;
        }
        catch (Exception error)
        {
            return error.Message;
        }
    }

    private static InferenceRecord Record(string group, string request, int index) =>
        new(group, request, index, DateTimeOffset.UnixEpoch, "bike", 1, GroupRole.Champion, null, "{}", 1.5, null, null, 0.1, null);

    /// <summary>The real inference log, whose first <c>failures</c> appends fail before reaching the database.</summary>
    private sealed class FailingAppends(IInferenceLogStore inner, int failures) : IInferenceLogStore
    {
        private int _calls;

        public int Calls => _calls;

        public Task AppendInferencesAsync(IReadOnlyList<InferenceRecord> records, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) <= failures
                ? Task.FromException(new StoreException(StoreErrorKind.Unavailable, "the database is unavailable (test)"))
                : inner.AppendInferencesAsync(records, cancellationToken);

        public Task<int> SetLabelAsync(string group, string requestId, int? recordIndex, double label, string? actor = null, bool overwrite = false, CancellationToken cancellationToken = default) =>
            inner.SetLabelAsync(group, requestId, recordIndex, label, actor, overwrite, cancellationToken);

        public Task<IReadOnlyList<LabelChange>> GetLabelHistoryAsync(string group, string requestId, CancellationToken cancellationToken = default) =>
            inner.GetLabelHistoryAsync(group, requestId, cancellationToken);

        public Task<InferencePage> QueryInferencesAsync(string group, InferenceQuery query, CancellationToken cancellationToken = default) =>
            inner.QueryInferencesAsync(group, query, cancellationToken);

        public Task<IReadOnlyList<InferenceRow>> GetRequestAsync(string group, string requestId, CancellationToken cancellationToken = default) =>
            inner.GetRequestAsync(group, requestId, cancellationToken);

        public Task<IReadOnlyList<InferenceOutcome>> ReadOutcomesAsync(string group, DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, CancellationToken cancellationToken = default) =>
            inner.ReadOutcomesAsync(group, from, to, limit, cancellationToken);

        public Task<IReadOnlyList<Core.Analytics.StatisticsCell>> ReadStatisticsAsync(string group, DateTimeOffset? from, DateTimeOffset? to, TimeSpan bucket, CancellationToken cancellationToken = default) =>
            inner.ReadStatisticsAsync(group, from, to, bucket, cancellationToken);

        public Task<IReadOnlyList<InferenceArchive>> ListArchivesAsync(CancellationToken cancellationToken = default) => inner.ListArchivesAsync(cancellationToken);

        public Task<InferenceArchive> GetArchiveAsync(string archive, CancellationToken cancellationToken = default) => inner.GetArchiveAsync(archive, cancellationToken);

        public Task<InferencePage> QueryArchiveAsync(string archive, InferenceQuery query, CancellationToken cancellationToken = default) =>
            inner.QueryArchiveAsync(archive, query, cancellationToken);

        public Task<IReadOnlyList<InferenceRow>> GetArchivedRequestAsync(string archive, string requestId, CancellationToken cancellationToken = default) =>
            inner.GetArchivedRequestAsync(archive, requestId, cancellationToken);
    }
}
