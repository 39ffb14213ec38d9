using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace ModelOps.Jobs.Services;

/// <summary>
/// <c>alerts_service:</c> in a job config: where a job's notifications (done, failed, new version)
/// go. <c>KIND</c> picks <see cref="ConsoleAlerts"/> (the default), <see cref="WebhookAlerts"/> or
/// <see cref="DesktopAlerts"/>. An alert that cannot be delivered is logged as a warning, never thrown.
/// </summary>
public abstract record AlertsService
{
    /// <summary>Whether alerts are sent at all; <see langword="false"/> makes every alert a no-op.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Every problem with these options, one phrase each naming the field, its value and what is
    /// allowed (for a config reader to prefix with its path); empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        CollectProblems(problems);
        return problems;
    }

    /// <summary>Adds the problems of these options to <paramref name="problems"/>.</summary>
    private protected virtual void CollectProblems(List<string> problems)
    {
    }
}

/// <summary>Alerts printed to the console (standard error) as <c>[alert] title: message</c>.</summary>
public sealed record ConsoleAlerts : AlertsService;

/// <summary>
/// Alerts POSTed as JSON (<c>{"title": ..., "message": ...}</c>, <c>application/json</c>) to
/// <see cref="Url"/> (Slack, Teams, any HTTP endpoint). A call that fails (an answer that is not
/// 2xx, a timeout, a refused connection) is tried again after a short wait, up to
/// <see cref="Retries"/> times; answers 4xx other than 408 and 429 are not retried.
/// </summary>
public sealed record WebhookAlerts : AlertsService
{
    /// <summary>The absolute <c>http://</c> or <c>https://</c> URL to POST to.</summary>
    public required string Url { get; init; }

    /// <summary>How long one attempt may take, in seconds (above 0, at most 300).</summary>
    /// <value>Default: 5.</value>
    [Range(0, ServiceDefaults.MaxWebhookTimeoutSeconds, MinimumIsExclusive = true)]
    public double TimeoutSeconds { get; init; } = ServiceDefaults.WebhookTimeoutSeconds;

    /// <summary>How many times a failed call is tried again (0 to 10); waits 0.2 s, then 0.4 s, 0.8 s, ... between attempts.</summary>
    /// <value>Default: 2 (three attempts in all).</value>
    [Range(0, ServiceDefaults.MaxWebhookRetries)]
    public int Retries { get; init; } = ServiceDefaults.WebhookRetries;

    /// <inheritdoc/>
    private protected override void CollectProblems(List<string> problems)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"url must be an absolute http:// or https:// URL, found '{Url}'");
        }

        if (!(TimeoutSeconds > 0 && TimeoutSeconds <= ServiceDefaults.MaxWebhookTimeoutSeconds))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"timeout_seconds must be above 0 and at most {ServiceDefaults.MaxWebhookTimeoutSeconds}, found {TimeoutSeconds}"));
        }

        if (Retries is < 0 or > ServiceDefaults.MaxWebhookRetries)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"retries must be between 0 and {ServiceDefaults.MaxWebhookRetries}, found {Retries}"));
        }
    }
}

/// <summary>
/// Alerts shown as desktop notifications with <c>notify-send TITLE MESSAGE</c> when
/// <c>notify-send</c> is on the <c>PATH</c>; otherwise they go to the console and one warning
/// says so when the service starts.
/// </summary>
public sealed record DesktopAlerts : AlertsService;
