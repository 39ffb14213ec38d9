using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>The services' log entries, with stable event ids (1-19 lifecycle, 20-29 alerts).</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "logger started: level {Level}, {Sinks}")]
    public static partial void LoggerStarted(ILogger logger, LogLevel level, string sinks);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "alerts started: {Description}")]
    public static partial void AlertsStarted(ILogger logger, string description);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "tracking started: {Backend} {Location}, experiment '{Experiment}'")]
    public static partial void TrackingStarted(ILogger logger, string backend, string location, string experiment);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "{Service} stopped")]
    public static partial void ServiceStopped(ILogger logger, string service);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "{Service} failed to stop: {Reason}")]
    public static partial void ServiceStopFailed(ILogger logger, string service, string reason, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "{Service} failed to start: {Reason}; stopping {Started}")]
    public static partial void ServiceStartFailed(ILogger logger, string service, string reason, string started);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "logger stopping")]
    public static partial void LoggerStopping(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "alert '{Title}' not sent to {Url}: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string title, string url, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "alert '{Title}' sent to {Url}")]
    public static partial void WebhookSent(ILogger logger, string title, string url);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "notify-send not found; alerts go to the console")]
    public static partial void NotifySendMissing(ILogger logger);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "alert '{Title}' not shown on the desktop: {Reason}")]
    public static partial void DesktopFailed(ILogger logger, string title, string reason);
}
