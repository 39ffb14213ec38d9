using Microsoft.Extensions.Logging;
using ModelOps.Store;

namespace ModelOps.Jobs.Services;

/// <summary>
/// The services a job runs inside: the logger, then the alerts, then the tracking store, started in
/// that order by <see cref="StartAsync"/> and stopped in the reverse order by
/// <see cref="DisposeAsync"/> (use <c>await using</c>, so they stop after a failed job too).
/// </summary>
/// <remarks>
/// Failure rules: when a service fails to start, the ones already started are stopped in reverse
/// order and the failure propagates (a store that cannot be opened fails with its
/// <see cref="StoreException"/>; the job never runs without its store). A service that fails to
/// stop is logged and the others still stop; <see cref="DisposeAsync"/> never throws, so it never
/// hides the job's own exception.
/// </remarks>
public sealed class JobServices : IAsyncDisposable
{
    private readonly List<(string Name, Func<ValueTask> Stop)> _started = [];
    private readonly List<ILoggerProvider> _providers = [];
    private readonly TextWriter _console;
    private LoggerFactory? _loggerFactory;
    private ILogger? _log;
    private IAlerts? _alerts;
    private IModelStore? _store;
    private string _experiment = StoreDefaults.Experiment;
    private int _disposed;

    private JobServices(TextWriter console)
    {
        _console = console;
    }

    /// <summary>Makes log entries; the console and, when configured, the JSON-lines file receive them.</summary>
    public ILoggerFactory LoggerFactory => _loggerFactory!;

    /// <summary>The alerts of the job, as configured by <see cref="AlertsService"/>.</summary>
    public IAlerts Alerts => _alerts!;

    /// <summary>The tracking store and model registry, opened (and migrated) by the tracking service.</summary>
    public IModelStore Store => _store!;

    /// <summary>The experiment the job's runs go to (created when the services started).</summary>
    public string Experiment => _experiment;

    /// <summary>
    /// Starts the logger, then the alerts, then the tracking store. Config values are checked first
    /// (<see cref="AlertsService.Validate"/>, <see cref="TrackingService.Validate"/>).
    /// </summary>
    /// <param name="logger">The logger's level and optional JSON-lines file.</param>
    /// <param name="alerts">Where alerts go.</param>
    /// <param name="tracking">The store and experiment.</param>
    /// <param name="options">Console, clock, the CLI's database and the HTTP handler; default: <see cref="JobServicesOptions"/>'s defaults.</param>
    /// <param name="cancellationToken">Cancels starting (opening the store).</param>
    /// <exception cref="ArgumentException">A config value is invalid (the message lists every problem).</exception>
    /// <exception cref="IOException">The JSON-lines log file cannot be opened.</exception>
    /// <exception cref="StoreException">The store cannot be opened or used.</exception>
    public static async Task<JobServices> StartAsync(
        LoggerService logger,
        AlertsService alerts,
        TrackingService tracking,
        JobServicesOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(tracking);
        options ??= new JobServicesOptions();
        ArgumentNullException.ThrowIfNull(options.Console, "options.Console");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        var problems = alerts.Validate().Select(p => "alerts_service: " + p)
            .Concat(tracking.Validate().Select(p => "tracking_service: " + p))
            .ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), problems[0].StartsWith("alerts", StringComparison.Ordinal) ? nameof(alerts) : nameof(tracking));
        }

        var services = new JobServices(options.Console);
        services.StartLogger(logger, options);
        var current = "alerts";
        try
        {
            services.StartAlerts(alerts, options);
            current = "tracking";
            await services.StartTrackingAsync(tracking, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            var started = string.Join(", ", services._started.Select(s => s.Name).Reverse().Append("logger"));
            ServiceLog.ServiceStartFailed(services._log!, current, error.Message, started);
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return services;
    }

    /// <summary>A logger of <paramref name="category"/> (a job's name, a type's full name).</summary>
    public ILogger CreateLogger(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return LoggerFactory.CreateLogger(category);
    }

    /// <summary>
    /// Stops the tracking store, then the alerts, then the logger (flushing its file). A service
    /// that fails to stop is logged (on the console when the logger itself fails) and the rest
    /// still stop; this method never throws. Calling it again does nothing.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        for (var i = _started.Count - 1; i >= 0; i--)
        {
            var (name, stop) = _started[i];
            try
            {
                await stop().ConfigureAwait(false);
                ServiceLog.ServiceStopped(_log!, name);
            }
            catch (Exception error)
            {
                ServiceLog.ServiceStopFailed(_log!, name, error.Message, error);
            }
        }

        ServiceLog.LoggerStopping(_log!);
        _loggerFactory!.Dispose();
        foreach (var provider in _providers)
        {
            try
            {
                provider.Dispose();
            }
            catch (Exception error)
            {
                WriteConsole($"logger failed to stop: {error.Message}");
            }
        }
    }

    /// <summary>Adds a started service that <see cref="DisposeAsync"/> stops before the ones started earlier.</summary>
    internal void AddStarted(string name, Func<ValueTask> stop) => _started.Add((name, stop));

    private void StartLogger(LoggerService logger, JobServicesOptions options)
    {
        _providers.Add(new ConsoleLineLoggerProvider(_console, options.TimeProvider));
        var sinks = "console";
        if (logger.JsonPath is { } path)
        {
            var file = JsonLinesLoggerProvider.Open(path, options.TimeProvider, _console);
            _providers.Add(file);
            sinks += $" and JSON lines file {file.Path}";
        }

        _loggerFactory = new LoggerFactory([.. _providers, .. options.LoggerProviders], new LoggerFilterOptions { MinLevel = logger.Level });
        _log = _loggerFactory.CreateLogger(ServiceDefaults.ServicesCategory);
        ServiceLog.LoggerStarted(_log, logger.Level, sinks);
    }

    private void StartAlerts(AlertsService alerts, JobServicesOptions options)
    {
        var log = _loggerFactory!.CreateLogger(ServiceDefaults.AlertsCategory);
        var console = new ConsoleAlertSink(_console);
        string description;
        if (!alerts.Enabled)
        {
            _alerts = new DisabledAlertSink();
            description = "disabled";
        }
        else
        {
            switch (alerts)
            {
                case WebhookAlerts webhook:
                    var sink = new WebhookAlertSink(webhook, options.HttpHandler, options.TimeProvider, log);
                    _alerts = sink;
                    description = $"webhook {sink.DisplayUrl}";
                    AddStarted("alerts", sink.DisposeAsync);
                    ServiceLog.AlertsStarted(_log!, description);
                    return;
                case DesktopAlerts:
                    var searchPath = options.SearchPath ?? Environment.GetEnvironmentVariable("PATH");
                    if (DesktopAlertSink.FindOnPath(ServiceDefaults.NotifySend, searchPath) is { } program)
                    {
                        _alerts = new DesktopAlertSink(program, console, log);
                        description = $"desktop ({program})";
                    }
                    else
                    {
                        ServiceLog.NotifySendMissing(log);
                        _alerts = console;
                        description = "console (notify-send not found)";
                    }

                    break;
                default:
                    _alerts = console;
                    description = "console";
                    break;
            }
        }

        AddStarted("alerts", () => ValueTask.CompletedTask);
        ServiceLog.AlertsStarted(_log!, description);
    }

    private async Task StartTrackingAsync(TrackingService tracking, JobServicesOptions options, CancellationToken cancellationToken)
    {
        var location = tracking.Database ?? options.DatabaseOverride;
        var store = await StoreFactory.OpenAsync(location, new StoreOptions { TimeProvider = options.TimeProvider }, cancellationToken).ConfigureAwait(false);
        _store = store;
        AddStarted("tracking", store.DisposeAsync);
        await store.GetOrCreateExperimentAsync(tracking.Experiment, cancellationToken).ConfigureAwait(false);
        _experiment = tracking.Experiment;
        ServiceLog.TrackingStarted(_log!, store.Backend.ToString(), store.Location, tracking.Experiment);
    }

    private void WriteConsole(string line)
    {
        try
        {
            lock (_console)
            {
                _console.WriteLine(line);
                _console.Flush();
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // Nowhere left to report to.
        }
    }
}
