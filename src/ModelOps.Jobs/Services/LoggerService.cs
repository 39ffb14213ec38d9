using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// <c>logger_service:</c> in a job config: the job's log. Entries at or above <see cref="Level"/>
/// go to the console, one line each (<c>HH:mm:ss info: Category[event] message</c>), and, when
/// <see cref="JsonPath"/> is set, to a JSON-lines file as well.
/// </summary>
public sealed record LoggerService
{
    /// <summary>The lowest level logged; written in YAML by name in any case (<c>debug</c>, <c>Warning</c>).</summary>
    /// <value>Default: <see cref="LogLevel.Information"/>.</value>
    public LogLevel Level { get; init; } = ServiceDefaults.Level;

    /// <summary>
    /// Optional JSON-lines log file, appended to (created with its folder when missing): one JSON
    /// object per entry with <c>timestamp</c>, <c>level</c>, <c>category</c>, <c>event_id</c>,
    /// <c>message</c>, <c>exception</c> and <c>properties</c>.
    /// </summary>
    /// <value>Default: <see langword="null"/>, console only.</value>
    public string? JsonPath { get; init; }
}
