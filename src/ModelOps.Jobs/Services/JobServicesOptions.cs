namespace ModelOps.Jobs.Services;

/// <summary>How <see cref="JobServices.StartAsync"/> runs the services; every property has a working default.</summary>
public sealed record JobServicesOptions
{
    /// <summary>
    /// The CLI's <c>--database</c>. Precedence: <see cref="TrackingService.Database"/> in the config
    /// wins when it is set; else this value; else <c>MODELOPS_DATABASE_URL</c>; else
    /// <c>.modelops/modelops.db</c>.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? DatabaseOverride { get; init; }

    /// <summary>Where console log lines and console alerts are written.</summary>
    /// <value>Default: <see cref="System.Console.Error"/> (standard error, so standard output stays for results).</value>
    public TextWriter Console { get; init; } = System.Console.Error;

    /// <summary>The clock for log timestamps, webhook timeouts and waits, and the store.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>More log sinks beside the console and the JSON-lines file (a worker's sink writes the queued job's log); the services do not dispose them.</summary>
    /// <value>Default: none.</value>
    public IReadOnlyList<Microsoft.Extensions.Logging.ILoggerProvider> LoggerProviders { get; init; } = [];

    /// <summary>The handler of the webhook's <see cref="HttpClient"/> (a proxy, custom certificates); not disposed by the services.</summary>
    /// <value>Default: <see langword="null"/>, a handler of its own.</value>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The folders searched for <c>notify-send</c>, separated by <see cref="Path.PathSeparator"/>; null reads <c>PATH</c>.</summary>
    internal string? SearchPath { get; init; }
}
