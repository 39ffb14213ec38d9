using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelOps.Store;

namespace ModelOps.Hub.Workers;

/// <summary>The hub's own workers (<see cref="HubOptions.Workers"/> slots): they run queued jobs while the hub serves, and give their running jobs back to the queue when it stops.</summary>
internal sealed class HubWorkers(IModelStore store, HubOptions options, ILoggerFactory loggers) : BackgroundService
{
    private JobWorker? _worker;

    /// <summary>How many jobs the hub's slots may run at once (<see cref="HubOptions.Workers"/>; 0: the hub runs none).</summary>
    public int Slots => options.Workers;

    /// <summary>How many jobs the hub's slots run now.</summary>
    public int RunningJobs => Volatile.Read(ref _worker)?.RunningJobs ?? 0;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Workers == 0)
        {
            return Task.CompletedTask;
        }

        var worker = new JobWorker(
            store,
            new WorkerOptions { Kinds = options.JobKinds, Database = options.Database, Concurrency = options.Workers, TimeProvider = options.TimeProvider },
            loggers.CreateLogger("ModelOps.Hub.Workers"));
        Volatile.Write(ref _worker, worker);
        return worker.RunAsync(stoppingToken);
    }
}
