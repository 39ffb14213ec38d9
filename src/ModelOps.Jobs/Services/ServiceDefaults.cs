namespace ModelOps.Jobs.Services;

/// <summary>The defaults and limits of the job services, in one place.</summary>
internal static class ServiceDefaults
{
    /// <summary>The log level of <see cref="LoggerService.Level"/>.</summary>
    public const Microsoft.Extensions.Logging.LogLevel Level = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>How long one webhook attempt may take, in seconds.</summary>
    public const double WebhookTimeoutSeconds = 5;

    /// <summary>The longest allowed webhook attempt, in seconds.</summary>
    public const double MaxWebhookTimeoutSeconds = 300;

    /// <summary>How many times a failed webhook call is tried again.</summary>
    public const int WebhookRetries = 2;

    /// <summary>The most retries a webhook may ask for.</summary>
    public const int MaxWebhookRetries = 10;

    /// <summary>The wait before the first retry; it doubles before each later one.</summary>
    public static readonly TimeSpan WebhookBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>How long <c>notify-send</c> may take before the desktop alert is given up.</summary>
    public static readonly TimeSpan DesktopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The program that shows desktop notifications.</summary>
    public const string NotifySend = "notify-send";

    /// <summary>The console timestamp format: <c>HH:mm:ss </c> (local time).</summary>
    public const string ConsoleTimestampFormat = "HH:mm:ss ";

    /// <summary>The category of the services' own log entries.</summary>
    public const string ServicesCategory = "ModelOps.Services";

    /// <summary>The category of the alerts' log entries.</summary>
    public const string AlertsCategory = "ModelOps.Alerts";
}
