using System.Diagnostics;
using System.Globalization;
using ModelOps.Jobs.Jobs;
using Spectre.Console;

namespace ModelOps.Cli.Rendering;

/// <summary>
/// Shows a job's long steps: live progress bars on an interactive terminal, one line per finished
/// step (with its duration) when the output is redirected, so logs and CI output stay readable.
/// </summary>
internal sealed class ConsoleJobProgress(IAnsiConsole console) : IJobProgress
{
    private ProgressContext? _live;

    /// <summary>Runs <paramref name="body"/> with live bars when the console is interactive.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> body)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await body().ConfigureAwait(false);
        }

        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _live = context;
                try
                {
                    return await body().ConfigureAwait(false);
                }
                finally
                {
                    _live = null;
                }
            }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IJobStep Start(string description, double total) =>
        _live is { } live
            ? new LiveStep(live.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1)))
            : new LineStep(console, description);

    private sealed class LiveStep(ProgressTask task) : IJobStep
    {
        public void Advance(double units) => task.Increment(units);

        public void Complete() => task.Value = task.MaxValue;

        public void Dispose() => Complete();
    }

    private sealed class LineStep(IAnsiConsole console, string description) : IJobStep
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _done;

        public void Advance(double units)
        {
        }

        public void Complete()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{Markup.Escape(description)} [grey]done in {_clock.Elapsed.TotalSeconds:F1} s[/]"));
            }
        }

        public void Dispose() => Complete();
    }
}
