namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Where a job reports the progress of its long steps (search trials, fits, predictions). The CLI
/// shows them as progress bars; <see cref="JobProgress.None"/> drops them.
/// </summary>
public interface IJobProgress
{
    /// <summary>Starts a step of <paramref name="total"/> units (trials, rows) named <paramref name="description"/>.</summary>
    /// <param name="description">What the step does, one short line.</param>
    /// <param name="total">The units of work; at least 1.</param>
    /// <returns>The step; dispose it (or call <see cref="IJobStep.Complete"/>) when the step ends.</returns>
    IJobStep Start(string description, double total);
}

/// <summary>One long step of a job.</summary>
public interface IJobStep : IDisposable
{
    /// <summary>Adds <paramref name="units"/> done. Safe to call from any thread.</summary>
    void Advance(double units);

    /// <summary>Marks the step done (all units).</summary>
    void Complete();
}

/// <summary>Progress sinks that need no console.</summary>
public static class JobProgress
{
    /// <summary>Drops every report.</summary>
    public static IJobProgress None { get; } = new NoProgress();

    /// <summary>Turns a share done (0 to 1, as a learner's fit reports it) into units of <paramref name="step"/>, which has <paramref name="total"/> units.</summary>
    public static IProgress<double> Fraction(IJobStep step, double total)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new FractionProgress(step, total);
    }

    private sealed class FractionProgress(IJobStep step, double total) : IProgress<double>
    {
        private readonly Lock _lock = new();
        private double _reported;

        public void Report(double value)
        {
            double delta;
            lock (_lock)
            {
                var units = Math.Clamp(value, 0, 1) * total;
                delta = units - _reported;
                if (delta <= 0)
                {
                    return;
                }

                _reported = units;
            }

            step.Advance(delta);
        }
    }

    private sealed class NoProgress : IJobProgress, IJobStep
    {
        public IJobStep Start(string description, double total) => this;

        public void Advance(double units)
        {
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
