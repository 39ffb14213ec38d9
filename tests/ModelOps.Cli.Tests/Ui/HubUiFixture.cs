using System.Text.Json;
using Microsoft.Playwright;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>
/// One real <c>modelops serve</c> for the UI tests, on a store filled by the real jobs (<c>modelops demo</c>: the bike
/// pipeline; <c>modelops run configs/credit/training.yaml</c>: a classifier), with a token per role, and Debian's
/// Chromium driven by Playwright (never a downloaded browser). The hub runs one worker (<c>--workers 1</c>) for the jobs pages.
/// </summary>
public sealed class HubUiFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; <c>build.sh test</c> installs it.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelops-ui-" + Guid.NewGuid().ToString("N")[..12]);
    private ServeProcess? _server;
    private IPlaywright? _playwright;

    public string Database => Path.Combine(_folder, ".modelops", "modelops.db");

    public Uri Address => _server!.Address;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Secrets by role name: admin, scientist, viewer, predictor.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; private set; } = new Dictionary<string, string>();

    /// <summary>Where the tests put their screenshots (<c>MODELOPS_SCREENSHOTS</c>, else a folder beside the tests); <c>docs/ui/</c> holds copies.</summary>
    public static string Screenshots { get; } = Environment.GetEnvironmentVariable("MODELOPS_SCREENSHOTS") is { Length: > 0 } folder
        ? folder
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Directory.CreateSymbolicLink(Path.Combine(_folder, "data"), Path.Combine(CliProcess.RepoRoot, "data"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "configs"), Path.Combine(CliProcess.RepoRoot, "configs"));
        var environment = new Dictionary<string, string?> { ["MODELOPS_DATABASE_URL"] = null };
        Run(["demo", "--database", Database], environment);

        // A second bike version (not promoted), so the model page has a change to show against version 1.
        Run(["run", "configs/bike/training.yaml", "-e", "{job: {model: {max_iter: 60, learning_rate: 0.2}}}", "--database", Database], environment);
        Run(["run", "configs/credit/training.yaml", "--database", Database], environment);
        // A failed run (a promotion of a model that does not exist), for the run page's error state.
        var failed = CliProcess.RunIn(_folder, ["run", "configs/bike/promotion.yaml", "-e", "{job: {model_name: no_such_model}}", "--database", Database], environment);
        if (failed.ExitCode == 0)
        {
            throw new InvalidOperationException("the promotion of a missing model succeeded");
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in (string[])["admin", "scientist", "viewer", "predictor"])
        {
            var created = Run(["tokens", "create", "--role", role, "--name", $"ui-{role}", "--json", "--database", Database], environment);
            tokens[role] = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("secret").GetString()!;
        }

        Tokens = tokens;
        // One worker of the hub's own runs the jobs the tests submit; in the folder whose data/ and configs/ their configs name.
        _server = await ServeProcess.StartAsync(Database, _folder, ["--workers", "1"]);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _server?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CliResult Run(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var result = CliProcess.RunIn(_folder, args, environment);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException($"modelops {string.Join(' ', args)} exited {result.ExitCode}: {result.Stdout}{result.Stderr}");
    }
}

[CollectionDefinition(Name)]
public sealed class HubUiCollection : ICollectionFixture<HubUiFixture>
{
    public const string Name = "hub UI";
}
