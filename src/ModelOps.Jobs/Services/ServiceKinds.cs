using ModelOps.Jobs.Configuration;

namespace ModelOps.Jobs.Services;

/// <summary>Registers the job services' config kinds and checks.</summary>
public static class ServiceKinds
{
    /// <summary>The <c>KIND</c> of <see cref="ConsoleAlerts"/>.</summary>
    public const string ConsoleAlerts = nameof(Services.ConsoleAlerts);

    /// <summary>The <c>KIND</c> of <see cref="WebhookAlerts"/>.</summary>
    public const string WebhookAlerts = nameof(Services.WebhookAlerts);

    /// <summary>The <c>KIND</c> of <see cref="DesktopAlerts"/>.</summary>
    public const string DesktopAlerts = nameof(Services.DesktopAlerts);

    /// <summary>
    /// Registers the three <see cref="AlertsService"/> kinds (<c>ConsoleAlerts</c>,
    /// <c>WebhookAlerts</c>, <c>DesktopAlerts</c>) and the checks of the alert and tracking options.
    /// </summary>
    /// <returns><paramref name="kinds"/>, for chaining.</returns>
    public static ConfigKinds AddServices(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Add<AlertsService, Services.ConsoleAlerts>(ConsoleAlerts)
            .Add<AlertsService, Services.WebhookAlerts>(WebhookAlerts)
            .Add<AlertsService, Services.DesktopAlerts>(DesktopAlerts)
            .AddCheck<AlertsService>(alerts => alerts.Validate())
            .AddCheck<TrackingService>(tracking => tracking.Validate());
    }
}
