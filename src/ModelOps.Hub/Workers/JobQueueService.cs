using System.Runtime.CompilerServices;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Queue;
using ModelOps.Store;
using ModelOps.Store.Queue;

namespace ModelOps.Hub.Workers;

/// <summary>
/// The job queue as the API and the UI use it: submitting checks the config against <see cref="HubOptions.JobKinds"/>
/// first (a config that cannot run is refused with its own message), and a job's log can be followed until it ends.
/// </summary>
/// <param name="store">The store whose queue it is.</param>
/// <param name="options">The config language.</param>
public sealed class JobQueueService(IModelStore store, HubOptions options)
{
    /// <summary>How often a followed log looks for new lines.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The queue.</summary>
    public IJobQueue Jobs => store.Jobs;

    /// <summary>Checks <paramref name="sources"/> and queues the job.</summary>
    /// <exception cref="ConfigException">The sources do not make a job config (file, line and path named).</exception>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) <paramref name="maxAttempts"/> is out of range.</exception>
    public async Task<QueuedJob> SubmitAsync(IReadOnlyList<ConfigSource> sources, string actor, int maxAttempts, CancellationToken cancellationToken)
    {
        var job = QueuedJobConfig.Prepare(sources, options.JobKinds, maxAttempts: maxAttempts);
        return await store.Jobs.SubmitJobAsync(job, actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The log lines of job <paramref name="id"/> after <paramref name="after"/>, as they are written, until the job ended and every line was given.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such job.</exception>
    public async IAsyncEnumerable<JobLogLine> FollowLogAsync(long id, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read the job's state before its lines: a job that ended before this read has all its lines written.
            var finished = (await store.Jobs.GetJobAsync(id, cancellationToken).ConfigureAwait(false)).IsFinished;
            var lines = await store.Jobs.GetJobLogAsync(id, after, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var line in lines)
            {
                after = line.Id;
                yield return line;
            }

            if (lines.Count == 0 && finished)
            {
                yield break;
            }

            if (lines.Count == 0)
            {
                await Task.Delay(FollowInterval, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
