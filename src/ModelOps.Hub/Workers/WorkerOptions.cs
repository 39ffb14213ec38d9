using System.Globalization;
using ModelOps.Jobs.Configuration;

namespace ModelOps.Hub.Workers;

/// <summary>How a <see cref="JobWorker"/> takes and runs queued jobs.</summary>
public sealed record WorkerOptions
{
    /// <summary>The config language the queued configs are bound with (every job kind this worker can run).</summary>
    public required ConfigKinds Kinds { get; init; }

    /// <summary>The database the jobs' tracking services use unless a config names one: the worker's own (<see langword="null"/>: <c>MODELOPS_DATABASE_URL</c>, else <c>.modelops/modelops.db</c>, as the store resolves it).</summary>
    public required string? Database { get; init; }

    /// <summary>How many jobs run at once.</summary>
    /// <value>Default: 1.</value>
    public int Concurrency { get; init; } = 1;

    /// <summary>The worker's name; its slots are <c>NAME/1</c>, <c>NAME/2</c>, ...</summary>
    /// <value>Default: <c>host:process id</c>.</value>
    public string Name { get; init; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}:{Environment.ProcessId}");

    /// <summary>How long a claim holds without a heartbeat: a worker that dies leaves its job to another after this.</summary>
    /// <value>Default: 30 s.</value>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's lease is renewed, its progress and log written, and a cancel looked for.</summary>
    /// <value>Default: 1 s.</value>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an idle slot waits before it looks for a job again.</summary>
    /// <value>Default: 1 s.</value>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Only jobs of these kinds are claimed; <see langword="null"/>: any.</summary>
    public IReadOnlyCollection<string>? JobKinds { get; init; }

    /// <summary>The clock.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The problems of these options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Concurrency is < 1 or > 64)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"concurrency must be 1 to 64, got {Concurrency}"));
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add("the worker's name is empty");
        }

        if (Heartbeat <= TimeSpan.Zero || Lease < Heartbeat * 3)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the lease ({Lease.TotalSeconds} s) must be at least 3 heartbeats ({Heartbeat.TotalSeconds} s each)"));
        }

        if (Poll <= TimeSpan.Zero)
        {
            problems.Add("the poll interval must be positive");
        }

        return problems;
    }
}
