using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ModelOps.Core.Learning;

/// <summary>
/// Runs short parallel steps (a few microseconds to a few milliseconds each, thousands of them in a
/// row: the histogram, gather and partition steps of every tree node) on the calling thread and a
/// fixed team of helper threads, one per further core. Between steps a helper spins for a while
/// instead of sleeping: waking a sleeping thread costs a system call and, on a virtual machine, an
/// inter-processor interrupt (with <see cref="Parallel.For(int, int, Action{int})"/> the wake-ups
/// took about a tenth of a boosting fit's samples). After <see cref="IdleSpin"/> without work a
/// helper sleeps, so an idle process does not burn a core.
/// One caller at a time uses the team; a step started while it is busy (another fit, or a step
/// inside a step) runs its parts on its own thread. Callers must therefore never depend on parts
/// running at the same time; each part must write only its own outputs, so results do not depend
/// on which thread ran which part.
/// </summary>
internal static class ParallelSteps
{
    /// <summary>How long a helper keeps looking for work before it sleeps.</summary>
    public static readonly TimeSpan IdleSpin = TimeSpan.FromMilliseconds(2);

    private static readonly Lazy<Team?> SharedTeam = new(() => Environment.ProcessorCount > 1 ? new Team(Environment.ProcessorCount - 1) : null);
    private static int _busy;

    /// <summary>
    /// Runs <paramref name="body"/>(0) ... <paramref name="body"/>(<paramref name="parts"/> - 1), each once,
    /// and returns when all have returned. An exception of a part is rethrown after every started part
    /// has finished (parts not yet started are skipped).
    /// </summary>
    public static void For(int parts, Action<int> body)
    {
        if (parts <= 1 || SharedTeam.Value is not { } team || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (var part = 0; part < parts; part++)
            {
                body(part);
            }

            return;
        }

        try
        {
            team.Run(parts, body);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private sealed class Job(long id, int parts, Action<int> body)
    {
        public readonly long Id = id;
        public readonly int Parts = parts;
        public readonly Action<int> Body = body;
        public int Next;
        public int Done;
        public ExceptionDispatchInfo? Error;

        // Claims and runs parts until none is left; every claimed part counts as done, run or skipped.
        public void Work()
        {
            int part;
            while ((part = Interlocked.Increment(ref Next) - 1) < Parts)
            {
                if (Volatile.Read(ref Error) is null)
                {
                    try
                    {
                        Body(part);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref Error, ExceptionDispatchInfo.Capture(e), null);
                    }
                }

                Interlocked.Increment(ref Done);
            }
        }
    }

    private sealed class Team
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly long _idleTicks = (long)(IdleSpin.TotalSeconds * Stopwatch.Frequency);
        private Job? _job;
        private long _lastId;
        private int _sleepers;

        public Team(int helpers)
        {
            for (var i = 0; i < helpers; i++)
            {
                new Thread(Help) { IsBackground = true, Name = $"ModelOps step helper {i + 1}" }.Start();
            }
        }

        public void Run(int parts, Action<int> body)
        {
            var job = new Job(++_lastId, parts, body);
            Volatile.Write(ref _job, job);
            // Wake no more sleeping helpers than the step has parts for (the caller takes one part);
            // those left registered sleep on until a larger step.
            var woken = TakeSleepers(parts - 1);
            if (woken > 0)
            {
                _wake.Release(woken);
            }

            job.Work();

            // The caller ran out of parts to claim: wait for those a helper is still running.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref job.Done) < parts)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            // Unpublished, so that neither the team nor a helper keeps the body's captured arrays alive.
            Volatile.Write(ref _job, null);
            job.Error?.Throw();
        }

        private void Help()
        {
            long last = 0;
            while (true)
            {
                last = WorkOnNext(last);
            }
        }

        // Waits for a job newer than `last`, works on it and returns its id; no reference to it outlives the call.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private long WorkOnNext(long last)
        {
            var job = WaitForJob(last);
            job.Work();
            return job.Id;
        }

        // Spins until a job newer than `last` is published; after IdleSpin without one, sleeps until woken.
        private Job WaitForJob(long last)
        {
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                var spins = 0;
                while (true)
                {
                    if (Volatile.Read(ref _job) is { } job && job.Id > last)
                    {
                        return job;
                    }

                    Thread.SpinWait(8);
                    if (++spins % 64 == 0)
                    {
                        if (Stopwatch.GetTimestamp() - start > _idleTicks)
                        {
                            break;
                        }

                        // Every few microseconds, let other threads of the machine run (the runtime's
                        // compiler and collector threads among them): spinning keeps this core otherwise.
                        Thread.Yield();
                    }
                }

                // Register as a sleeper, then look once more: a job published before the registration was
                // not followed by a wake-up for us.
                Interlocked.Increment(ref _sleepers);
                if (Volatile.Read(ref _job) is { } late && late.Id > last)
                {
                    if (TakeSleepers(1) == 1)
                    {
                        return late;
                    }

                    // A caller took our registration and released the semaphore for us: consume it.
                    _wake.Wait();
                    return late;
                }

                _wake.Wait();
            }
        }

        // Unregisters up to `most` sleepers and returns how many. A caller releases the semaphore once
        // for each it took; a helper that takes one back (its own, or another's that is still to come)
        // goes on without a release.
        private int TakeSleepers(int most)
        {
            var current = Volatile.Read(ref _sleepers);
            while (current > 0 && most > 0)
            {
                var take = Math.Min(current, most);
                var seen = Interlocked.CompareExchange(ref _sleepers, current - take, current);
                if (seen == current)
                {
                    return take;
                }

                current = seen;
            }

            return 0;
        }
    }
}
