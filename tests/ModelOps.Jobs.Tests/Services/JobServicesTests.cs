using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOps.Jobs.Services;
using ModelOps.Store;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Jobs.Tests.Services;

public sealed class JobServicesTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly StringWriter _console = new();

    public void Dispose() => _folder.Dispose();

    private string DatabasePath => _folder.Combine("store", "modelops.db");

    private string LogPath => _folder.Combine("logs", "job.jsonl");

    private JobServicesOptions Options(string? searchPath = null) =>
        new() { Console = _console, TimeProvider = new FixedClock(), SearchPath = searchPath };

    private TrackingService Tracking(string experiment = "Default") => new() { Database = DatabasePath, Experiment = experiment };

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string[] LogMessages() =>
        [.. File.ReadAllLines(LogPath).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("message").GetString()!)];

    [Fact]
    public async Task StartAsync_SqliteTracking_OpensStoreAndCreatesExperiment()
    {
        await using (var services = await JobServices.StartAsync(new LoggerService(), new ConsoleAlerts(), Tracking("Bikes"), Options()))
        {
            Assert.Equal("Bikes", services.Experiment);
            Assert.Equal(StoreBackend.Sqlite, services.Store.Backend);
            Assert.Equal(DatabasePath, services.Store.Location);
            Assert.Equal("Bikes", (await services.Store.GetExperimentAsync("Bikes")).Name);
        }

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(string.Empty, _console.ToString());
    }

    [Fact]
    public async Task StartAsync_DatabaseOverride_UsedOnlyWhenConfigHasNone()
    {
        var other = _folder.Combine("cli.db");
        await using (var services = await JobServices.StartAsync(new LoggerService(), new ConsoleAlerts(), new TrackingService(), Options() with { DatabaseOverride = other }))
        {
            Assert.Equal(other, services.Store.Location);
        }

        await using (var services = await JobServices.StartAsync(new LoggerService(), new ConsoleAlerts(), Tracking(), Options() with { DatabaseOverride = other }))
        {
            Assert.Equal(DatabasePath, services.Store.Location);
        }
    }

    [Fact]
    public async Task StartAsync_UnreachablePostgres_ThrowsStoreExceptionAndStopsStartedServices()
    {
        var port = FreePort.Next();
        var tracking = new TrackingService { Database = $"postgresql://modelops@127.0.0.1:{port}/modelops" };

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            JobServices.StartAsync(new LoggerService { Level = LogLevel.Debug, JsonPath = LogPath }, new ConsoleAlerts(), tracking, Options()));

        Assert.Equal(StoreErrorKind.Unavailable, error.Kind);
        Assert.Equal($"PostgreSQL at 127.0.0.1:{port} is unreachable: connection refused", error.Message);
        Assert.Equal(
            [
                $"logger started: level Debug, console and JSON lines file {LogPath}",
                "alerts started: console",
                $"tracking failed to start: {error.Message}; stopping alerts, logger",
                "alerts stopped",
                "logger stopping",
            ],
            LogMessages());
    }

    [Fact]
    public async Task DisposeAsync_AfterJob_StopsInReverseOrder()
    {
        await using (var services = await JobServices.StartAsync(new LoggerService { Level = LogLevel.Debug, JsonPath = LogPath }, new ConsoleAlerts(), Tracking("Bikes"), Options()))
        {
            services.CreateLogger("ModelOps.Jobs.TrainingJob").LogInformation("job ran");
        }

        Assert.Equal(
            [
                $"logger started: level Debug, console and JSON lines file {LogPath}",
                "alerts started: console",
                $"tracking started: Sqlite {DatabasePath}, experiment 'Bikes'",
                "job ran",
                "tracking stopped",
                "alerts stopped",
                "logger stopping",
            ],
            LogMessages());
    }

    [Fact]
    public async Task DisposeAsync_JobFailsAndAServiceFailsToStop_JobExceptionWinsAndOthersStop()
    {
        var stopped = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await using var services = await JobServices.StartAsync(new LoggerService { Level = LogLevel.Debug, JsonPath = LogPath }, new ConsoleAlerts(), Tracking(), Options());
            services.AddStarted("queue", () => throw new IOException("disk gone"));
            throw new InvalidDataException("the job failed");
        });

        Assert.Equal("the job failed", error.Message);
        Assert.Equal(
            [
                "queue failed to stop: disk gone",
                "tracking stopped",
                "alerts stopped",
                "logger stopping",
            ],
            LogMessages()[3..]);
        Assert.Contains("09:26:53 fail: ModelOps.Services[5] queue failed to stop: disk gone System.IO.IOException: disk gone", _console.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_Twice_StopsOnce()
    {
        var services = await JobServices.StartAsync(new LoggerService { Level = LogLevel.Debug, JsonPath = LogPath }, new ConsoleAlerts(), Tracking(), Options());

        await services.DisposeAsync();
        await services.DisposeAsync();

        Assert.Single(LogMessages(), m => m == "tracking stopped");
    }

    [Fact]
    public async Task Logger_LevelWarning_DropsLowerLevelsOnConsoleAndFile()
    {
        await using (var services = await JobServices.StartAsync(new LoggerService { Level = LogLevel.Warning, JsonPath = LogPath }, new ConsoleAlerts(), Tracking(), Options()))
        {
            var log = services.CreateLogger("job");
            log.LogDebug("debug entry");
            log.LogInformation("info entry");
            log.LogWarning("warning entry");
            log.LogError("error entry");
        }

        Assert.Equal("09:26:53 warn: job[0] warning entry\n09:26:53 fail: job[0] error entry\n", _console.ToString());
        Assert.Equal(["warning entry", "error entry"], LogMessages());
    }

    [Fact]
    public async Task Logger_JsonPath_WritesOneObjectPerEntryWithAllFields()
    {
        await using (var services = await JobServices.StartAsync(new LoggerService { JsonPath = LogPath }, new ConsoleAlerts(), Tracking(), Options()))
        {
            var log = services.CreateLogger("ModelOps.Jobs.TrainingJob");
            log.LogInformation(new EventId(40, "Fitted"), "fitted {Model} on {Rows} rows, rmse {Rmse}, early stop {Stopped}", "bikes", 17379, 41.25, true);
            log.LogError(new EventId(41), new InvalidOperationException("no rows"), "scoring failed");
        }

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(2, lines.Length);
        Assert.Equal(
            """{"timestamp":"2025-03-14T09:26:53.1200000Z","level":"Information","category":"ModelOps.Jobs.TrainingJob","event_id":40,"message":"fitted bikes on 17379 rows, rmse 41.25, early stop True","exception":null,"properties":{"Model":"bikes","Rows":17379,"Rmse":41.25,"Stopped":true}}""",
            lines[0]);
        Assert.Equal(
            """{"timestamp":"2025-03-14T09:26:53.1200000Z","level":"Error","category":"ModelOps.Jobs.TrainingJob","event_id":41,"message":"scoring failed","exception":"System.InvalidOperationException: no rows","properties":{}}""",
            lines[1]);
    }

    [Fact]
    public async Task Logger_JsonPath_AppendsAcrossRunsAndConcurrentLinesStayWhole()
    {
        File.WriteAllText(_folder.Combine("earlier.jsonl"), "{\"message\":\"earlier run\"}\n");
        var path = _folder.Combine("earlier.jsonl");
        await using (var services = await JobServices.StartAsync(new LoggerService { Level = LogLevel.Warning, JsonPath = path }, new ConsoleAlerts(), Tracking(), Options() with { Console = TextWriter.Null }))
        {
            var log = services.CreateLogger("job");
            Parallel.For(0, 8, worker =>
            {
                for (var i = 0; i < 250; i++)
                {
                    log.LogWarning("worker {Worker} entry {Index} {Padding}", worker, i, new string('x', 300));
                }
            });
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal(2001, lines.Length);
        Assert.Equal("{\"message\":\"earlier run\"}", lines[0]);
        var seen = new HashSet<(int, int)>();
        foreach (var line in lines[1..])
        {
            var properties = JsonDocument.Parse(line).RootElement.GetProperty("properties");
            Assert.True(seen.Add((properties.GetProperty("Worker").GetInt32(), properties.GetProperty("Index").GetInt32())));
        }

        Assert.Equal(2000, seen.Count);
    }

    [Fact]
    public async Task Logger_JsonPathIsAFolder_FailsNamingThePath()
    {
        Directory.CreateDirectory(LogPath);

        var error = await Assert.ThrowsAsync<IOException>(() =>
            JobServices.StartAsync(new LoggerService { JsonPath = LogPath }, new ConsoleAlerts(), Tracking(), Options()));

        Assert.StartsWith($"logger_service.json_path: log file '{LogPath}' cannot be opened: ", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Logger_FileWritesFail_ReportedOnceJobGoesOn()
    {
        // /dev/full accepts the open and fails every write with "no space left on device".
        await using (var services = await JobServices.StartAsync(new LoggerService { JsonPath = "/dev/full" }, new ConsoleAlerts(), Tracking(), Options()))
        {
            var log = services.CreateLogger("job");
            log.LogInformation("first");
            log.LogInformation("second");
        }

        var lines = _console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("09:26:53 info: job[0] first", lines[0]);
        Assert.StartsWith("log file '/dev/full' cannot be written: No space left on device", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("; later entries go to the console only", lines[1], StringComparison.Ordinal);
        Assert.Equal("09:26:53 info: job[0] second", lines[2]);
    }

    [Fact]
    public async Task ConsoleAlerts_Notify_WritesAlertLine()
    {
        await using var services = await JobServices.StartAsync(new LoggerService(), new ConsoleAlerts(), Tracking(), Options());

        await services.Alerts.NotifyAsync("Training done", "bikes v3");

        Assert.Equal("[alert] Training done: bikes v3\n", _console.ToString());
    }

    [Fact]
    public async Task Alerts_Disabled_NothingIsSent()
    {
        using var server = new WebhookServer(200);
        await using (var services = await JobServices.StartAsync(new LoggerService(), new WebhookAlerts { Url = server.Url, Enabled = false }, Tracking(), Options()))
        {
            await services.Alerts.NotifyAsync("Training done", "bikes v3");
        }

        Assert.Empty(server.Requests);
        Assert.Equal(string.Empty, _console.ToString());
    }

    [Fact]
    public async Task WebhookAlerts_Always500_WarningOnConsoleJobGoesOn()
    {
        using var server = new WebhookServer(500);
        await using var services = await JobServices.StartAsync(new LoggerService(), new WebhookAlerts { Url = server.Url, Retries = 1, TimeoutSeconds = 60 }, Tracking(), Options());

        await services.Alerts.NotifyAsync("Training done", "bikes v3");

        Assert.Equal($"09:26:53 warn: ModelOps.Alerts[20] alert 'Training done' not sent to {server.Url}: HTTP 500 (Internal Server Error) after 2 attempts\n", _console.ToString());
    }

    [Fact]
    public async Task WebhookAlerts_GivenHandler_UsedAndLeftOpen()
    {
        using var server = new WebhookServer(200);
        using var handler = new CountingHandler();
        await using (var services = await JobServices.StartAsync(new LoggerService(), new WebhookAlerts { Url = server.Url, TimeoutSeconds = 60 }, Tracking(), Options() with { HttpHandler = handler }))
        {
            await services.Alerts.NotifyAsync("Training done", "bikes v3");
        }

        using var client = new HttpClient(handler, disposeHandler: false);
        using var after = await client.PostAsync(server.Url, new StringContent("{}"));

        Assert.Equal(System.Net.HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(2, handler.Sent);
    }

    [Fact]
    public async Task StartAsync_InvalidWebhookAndExperiment_ListsBothBeforeStartingAnything()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            JobServices.StartAsync(new LoggerService { JsonPath = LogPath }, new WebhookAlerts { Url = "hooks/x" }, Tracking(" "), Options()));

        Assert.Equal("alerts_service: url must be an absolute http:// or https:// URL, found 'hooks/x'; tracking_service: experiment must not be empty (Parameter 'alerts')", error.Message);
        Assert.False(File.Exists(LogPath));
    }

    [Fact]
    public async Task DesktopAlerts_NotifySendOnPath_RunsItWithTitleAndMessage()
    {
        var bin = Directory.CreateDirectory(_folder.Combine("bin")).FullName;
        var script = Path.Combine(bin, "notify-send");
        File.WriteAllText(script, "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> \"$(dirname \"$0\")/shown.txt\"\n");
        MakeExecutable(script);

        await using (var services = await JobServices.StartAsync(new LoggerService(), new DesktopAlerts(), Tracking(), Options(searchPath: "/nonexistent" + Path.PathSeparator + bin)))
        {
            await services.Alerts.NotifyAsync("Training done", "bikes v3 'registered'");
        }

        Assert.Equal(["Training done|bikes v3 'registered'"], File.ReadAllLines(Path.Combine(bin, "shown.txt")));
        Assert.Equal(string.Empty, _console.ToString());
    }

    [Fact]
    public async Task DesktopAlerts_NotifySendFails_WarnsAndFallsBackToConsole()
    {
        var bin = Directory.CreateDirectory(_folder.Combine("bin")).FullName;
        var script = Path.Combine(bin, "notify-send");
        File.WriteAllText(script, "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n");
        MakeExecutable(script);

        await using var services = await JobServices.StartAsync(new LoggerService(), new DesktopAlerts(), Tracking(), Options(searchPath: bin));
        await services.Alerts.NotifyAsync("Training done", "bikes v3");

        Assert.Equal(
            $"09:26:53 warn: ModelOps.Alerts[23] alert 'Training done' not shown on the desktop: {script} exited with code 3: cannot open display\n[alert] Training done: bikes v3\n",
            _console.ToString());
    }

    [Fact]
    public async Task DesktopAlerts_NotifySendMissing_OneWarningThenConsole()
    {
        var bin = Directory.CreateDirectory(_folder.Combine("empty-bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "notify-send"), "not executable");

        await using var services = await JobServices.StartAsync(new LoggerService(), new DesktopAlerts(), Tracking(), Options(searchPath: bin));
        await services.Alerts.NotifyAsync("First", "one");
        await services.Alerts.NotifyAsync("Second", "two");

        Assert.Equal(
            "09:26:53 warn: ModelOps.Alerts[22] notify-send not found; alerts go to the console\n[alert] First: one\n[alert] Second: two\n",
            _console.ToString());
    }

    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _sent;

        public int Sent => _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
