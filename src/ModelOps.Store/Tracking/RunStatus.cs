namespace ModelOps.Store.Tracking;

/// <summary>The state of a run.</summary>
public enum RunStatus
{
    /// <summary>Started and not ended: <c>RUNNING</c>.</summary>
    Running,

    /// <summary>Ended successfully: <c>FINISHED</c>.</summary>
    Finished,

    /// <summary>Ended with an error: <c>FAILED</c>.</summary>
    Failed,
}

/// <summary>The stored names of <see cref="RunStatus"/> values.</summary>
public static class RunStatusNames
{
    /// <summary><c>RUNNING</c>, <c>FINISHED</c> or <c>FAILED</c>.</summary>
    public static string ToName(this RunStatus status) => status switch
    {
        RunStatus.Running => "RUNNING",
        RunStatus.Finished => "FINISHED",
        RunStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown run status."),
    };

    /// <summary>Parses a stored name.</summary>
    /// <exception cref="FormatException">Not a run status name.</exception>
    public static RunStatus Parse(string name) => name switch
    {
        "RUNNING" => RunStatus.Running,
        "FINISHED" => RunStatus.Finished,
        "FAILED" => RunStatus.Failed,
        _ => throw new FormatException($"'{name}' is not a run status (RUNNING, FINISHED, FAILED)."),
    };
}
