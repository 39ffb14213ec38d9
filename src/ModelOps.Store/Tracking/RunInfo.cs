namespace ModelOps.Store.Tracking;

/// <summary>A run without its logged data: identity, status, times and where it ran.</summary>
/// <param name="Id">The run id: 32 lower-case hex digits, sortable by start time.</param>
/// <param name="Name">The readable name.</param>
/// <param name="Experiment">The name of its experiment.</param>
/// <param name="Status">Running, finished or failed.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="EndedAt">When it ended, or <see langword="null"/> while running.</param>
/// <param name="Description">What it is for, or <see langword="null"/>.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="User">The operating-system user that ran it.</param>
/// <param name="ModelOpsVersion">The version of ModelOps that ran it.</param>
/// <param name="Runtime">The .NET runtime and operating system.</param>
public sealed record RunInfo(
    string Id,
    string Name,
    string Experiment,
    RunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? Description,
    string Host,
    string User,
    string ModelOpsVersion,
    string Runtime)
{
    /// <summary>Why the run failed: the error's kind and message.</summary>
    /// <value>Default: <see langword="null"/>; set only for a run ended with <see cref="ITrackingStore.FailRunAsync"/>.</value>
    public RunError? Error { get; init; }
}
