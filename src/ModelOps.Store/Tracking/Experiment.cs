namespace ModelOps.Store.Tracking;

/// <summary>A named group of runs, created on first use.</summary>
/// <param name="Id">The database id.</param>
/// <param name="Name">The unique name.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="RunCount">How many runs it has.</param>
/// <param name="LastRunAt">When its latest run started, or <see langword="null"/> without runs.</param>
public sealed record Experiment(long Id, string Name, DateTimeOffset CreatedAt, int RunCount, DateTimeOffset? LastRunAt);
