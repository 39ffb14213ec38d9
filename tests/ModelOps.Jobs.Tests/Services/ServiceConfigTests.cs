using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Services;

namespace ModelOps.Jobs.Tests.Services;

public sealed class ServiceConfigTests
{
    private static ServicesConfig Bind(string yaml) =>
        new ConfigBinder(ConfigKinds.CreateStandard().AddServices()).Bind<ServicesConfig>(new ConfigLoader(_ => null).Merge([new("job.yaml", yaml)]));

    private static string Error(string yaml) => Assert.Throws<ConfigException>(() => Bind(yaml)).Message;

    [Fact]
    public void Bind_AllServices_BindsEveryField()
    {
        var config = Bind(
            """
            logger_service: {level: warning, json_path: logs/job.jsonl}
            alerts_service: {KIND: WebhookAlerts, url: "https://hooks.example.com/T0/B1", timeout_seconds: 2.5, retries: 4, enabled: false}
            tracking_service: {database: "postgresql://modelops@db:5432/modelops", experiment: Bikes}
            """);

        Assert.Equal(new LoggerService { Level = LogLevel.Warning, JsonPath = "logs/job.jsonl" }, config.LoggerService);
        Assert.Equal(new WebhookAlerts { Url = "https://hooks.example.com/T0/B1", TimeoutSeconds = 2.5, Retries = 4, Enabled = false }, config.AlertsService);
        Assert.Equal(new TrackingService { Database = "postgresql://modelops@db:5432/modelops", Experiment = "Bikes" }, config.TrackingService);
    }

    [Fact]
    public void Bind_NoServices_Defaults()
    {
        var config = Bind("name: x\n");

        Assert.Equal(new LoggerService { Level = LogLevel.Information, JsonPath = null }, config.LoggerService);
        Assert.Equal(new ConsoleAlerts { Enabled = true }, config.AlertsService);
        Assert.Equal(new TrackingService { Database = null, Experiment = "Default" }, config.TrackingService);
    }

    [Theory]
    [InlineData("ConsoleAlerts", typeof(ConsoleAlerts))]
    [InlineData("DesktopAlerts", typeof(DesktopAlerts))]
    public void Bind_OtherAlertKinds_PicksType(string kind, Type type)
    {
        var config = Bind($"alerts_service: {{KIND: {kind}}}\n");

        Assert.IsType(type, config.AlertsService);
        Assert.True(config.AlertsService.Enabled);
    }

    [Fact]
    public void Bind_LevelInAnyCase_ParsesByName()
    {
        Assert.Equal(LogLevel.Debug, Bind("logger_service: {level: DEBUG}\n").LoggerService.Level);
        Assert.Equal(LogLevel.Trace, Bind("logger_service: {level: trace}\n").LoggerService.Level);
    }

    [Fact]
    public void Bind_UnknownLevel_ListsNames()
    {
        Assert.Equal(
            "job.yaml:1: logger_service.level: expected one of Trace, Debug, Information, Warning, Error, Critical, None, found 'verbose'",
            Error("logger_service: {level: verbose}\n"));
    }

    [Fact]
    public void Bind_UnknownAlertKind_SuggestsClosest()
    {
        Assert.Equal("job.yaml:1: alerts_service.KIND: unknown kind 'WebhokAlerts', did you mean WebhookAlerts?", Error("alerts_service: {KIND: WebhokAlerts}\n"));
        Assert.Equal("job.yaml:1: alerts_service.KIND: unknown kind 'Desktop', did you mean DesktopAlerts?", Error("alerts_service: {KIND: Desktop}\n"));
    }

    [Fact]
    public void Bind_WebhookWithoutUrl_MissingField()
    {
        Assert.Equal("job.yaml:1: alerts_service: missing field 'url'", Error("alerts_service: {KIND: WebhookAlerts}\n"));
    }

    [Fact]
    public void Bind_InvalidWebhookOptions_EveryProblemAtItsPath()
    {
        var message = Error("alerts_service:\n  KIND: WebhookAlerts\n  url: slack\n  retries: 20\ntracking_service: {experiment: ''}\n");

        Assert.Equal(
            "3 config problems:\n"
            + "  - job.yaml:2: alerts_service: url must be an absolute http:// or https:// URL, found 'slack'\n"
            + "  - job.yaml:2: alerts_service: retries must be between 0 and 10, found 20\n"
            + "  - job.yaml:5: tracking_service: experiment must not be empty",
            message);
    }

    [Fact]
    public void Bind_UnknownField_SuggestsClosest()
    {
        Assert.Equal("job.yaml:1: logger_service.json_pth: unknown field, did you mean json_path?", Error("logger_service: {json_pth: x.jsonl}\n"));
    }

    [Fact]
    public void Schema_Services_DescribeKindsAndLimits()
    {
        var schema = ConfigSchema.Generate(typeof(ServicesConfig), ConfigKinds.CreateStandard().AddServices());

        Assert.Contains("\"WebhookAlerts\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"DesktopAlerts\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"maximum\": 10", schema, StringComparison.Ordinal);
    }

    public sealed record ServicesConfig
    {
        public string? Name { get; init; }

        public LoggerService LoggerService { get; init; } = new();

        public AlertsService AlertsService { get; init; } = new ConsoleAlerts();

        public TrackingService TrackingService { get; init; } = new();
    }
}
