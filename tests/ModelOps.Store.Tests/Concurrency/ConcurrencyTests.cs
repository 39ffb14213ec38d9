using System.Diagnostics;
using ModelOps.Store.Registry;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Concurrency;

/// <summary>
/// Several writers at once, each with its own store (its own connections), or its own process:
/// versions are numbered without gaps or duplicates and alias moves form one ordered history.
/// </summary>
public abstract class ConcurrencyTests(IStoreBackend backend) : StoreTests(backend)
{
    private const int Writers = 8;

    [Fact]
    public async Task RegisterVersion_EightConnectionsAtOnce_NumbersOneToEightWithoutGapOrDuplicate()
    {
        var stores = new IModelStore[Writers];
        for (var i = 0; i < Writers; i++)
        {
            stores[i] = await OpenAsync();
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var versions = await Gate(start, stores.Select((store, i) => Task.Run(async () =>
        {
            await start.Task;
            return (await store.RegisterVersionAsync(new NewModelVersion("credit", $"file:///{i}.json"))).Version;
        })));

        Assert.Equal(Enumerable.Range(1, Writers), versions.Order());
        Assert.Equal(Enumerable.Range(1, Writers), (await Store.ListVersionsAsync("credit")).Select(v => v.Version));
    }

    [Fact]
    public async Task RegisterVersion_EightConnectionsManyEach_NumbersWithoutGapOrDuplicate()
    {
        const int Each = 5;
        var stores = new IModelStore[Writers];
        for (var i = 0; i < Writers; i++)
        {
            stores[i] = await OpenAsync();
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var versions = await Gate(start, stores.Select((store, i) => Task.Run(async () =>
        {
            await start.Task;
            var mine = new List<int>();
            for (var j = 0; j < Each; j++)
            {
                mine.Add((await store.RegisterVersionAsync(new NewModelVersion("bike", $"file:///{i}/{j}.json"))).Version);
            }

            return mine;
        })));

        Assert.Equal(Enumerable.Range(1, Writers * Each), versions.SelectMany(v => v).Order());
        Assert.All(versions, mine => Assert.Equal(mine.Order(), mine));
    }

    [Fact]
    public async Task RegisterVersion_EightProcessesAtOnce_NumbersWithoutGapOrDuplicate()
    {
        const int Each = 3;
        using var folder = new TempFolder();
        var go = folder.Combine("go");
        var helper = typeof(Program).Assembly.Location;
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < Writers; i++)
            {
                var info = new ProcessStartInfo(ProcessRunner.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in new[] { helper, "register", Location, "credit", Each.ToString(System.Globalization.CultureInfo.InvariantCulture), go })
                {
                    info.ArgumentList.Add(argument);
                }

                processes.Add(Process.Start(info)!);
            }

            // Every process has opened the store (and paid its start-up) before any writes.
            foreach (var process in processes)
            {
                Assert.Equal("ready", await process.StandardOutput.ReadLineAsync());
            }

            await File.WriteAllTextAsync(go, "go");
            var outputs = new List<int>();
            foreach (var process in processes)
            {
                var output = await process.StandardOutput.ReadToEndAsync();
                var errors = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, $"writer exited with {process.ExitCode}: {output}{errors}");
                outputs.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => int.Parse(line["version ".Length..], System.Globalization.CultureInfo.InvariantCulture)));
            }

            Assert.Equal(Enumerable.Range(1, Writers * Each), outputs.Order());
            Assert.Equal(Enumerable.Range(1, Writers * Each), (await Store.ListVersionsAsync("credit")).Select(v => v.Version));
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.Dispose();
            }
        }
    }

    [Fact]
    public async Task SetAlias_EightMovesAtOnce_HistoryIsOneOrderedChain()
    {
        for (var i = 0; i < Writers; i++)
        {
            await Store.RegisterVersionAsync(new NewModelVersion("credit", $"file:///{i}.json"));
        }

        var stores = new IModelStore[Writers];
        for (var i = 0; i < Writers; i++)
        {
            stores[i] = await OpenAsync();
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var changes = await Gate(start, stores.Select((store, i) => Task.Run(async () =>
        {
            await start.Task;
            return await store.SetAliasAsync("credit", "Champion", i + 1, $"writer {i}");
        })));

        var history = await Store.GetAliasHistoryAsync("credit", "Champion");
        Assert.Equal(Writers, history.Count);
        Assert.Equal(changes.OrderBy(c => c.Sequence), history);
        Assert.Null(history[0].FromVersion);
        for (var i = 1; i < history.Count; i++)
        {
            // Each move starts where the one before it ended: no move was lost or interleaved.
            Assert.Equal(history[i - 1].ToVersion, history[i].FromVersion);
        }

        Assert.Equal(Enumerable.Range(1, Writers), history.Select(h => h.ToVersion!.Value).Order());
        Assert.Equal(history[^1].ToVersion, (await Store.ResolveAsync("credit@Champion")).Version);
    }

    [Fact]
    public async Task StartRun_EightAtOnceInNewExperiment_CreatesItOnce()
    {
        var stores = new IModelStore[Writers];
        for (var i = 0; i < Writers; i++)
        {
            stores[i] = await OpenAsync();
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Gate(start, stores.Select(store => Task.Run(async () =>
        {
            await start.Task;
            return await store.StartRunAsync("tuning");
        })));

        var experiment = Assert.Single(await Store.ListExperimentsAsync());
        Assert.Equal(Writers, experiment.RunCount);
    }

    [Fact]
    public async Task Open_EightAtOnceOnFreshDatabase_MigratesOnce()
    {
        var location = await Backend.CreateDatabaseAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stores = await Gate(start, Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await StoreFactory.OpenAsync(location, Options());
        })));
        try
        {
            Assert.All(stores, s => Assert.Equal(3, s.SchemaVersion));
            Assert.Equal(1, await stores[0].RegisterVersionAsync(new NewModelVersion("m", "file:///m.json")).ContinueWith(t => t.Result.Version));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    /// <summary>Starts every writer, then opens the gate they all wait at, so their writes overlap.</summary>
    private static Task<T[]> Gate<T>(TaskCompletionSource start, IEnumerable<Task<T>> writers)
    {
        var tasks = writers.ToArray();
        start.SetResult();
        return Task.WhenAll(tasks);
    }
}

public sealed class SqliteConcurrencyTests() : ConcurrencyTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrencyTests(PostgresServer server) : ConcurrencyTests(new PostgresBackend(server));
