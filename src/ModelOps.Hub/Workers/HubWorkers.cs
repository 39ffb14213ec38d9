using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelOps.Store;

namespace ModelOps.Hub.Workers;

/// <summary>The hub's own workers (<see cref="HubOptions.Workers"/> slots): they run queued jobs while the hub serves, and give their running jobs back to the queue when it stops.</summary>
internal sealed class HubWorkers(IModelStore store, HubOptions options, ILoggerFactory loggers) : BackgroundService
{
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
        return worker.RunAsync(stoppingToken);
    }
}
