using System.Net;
using System.Text.Json;
using ModelOps.Build.Tests.Infrastructure;

namespace ModelOps.Build.Tests.Packaging;

/// <summary>The checks both forms of <c>modelops</c> (the installed tool, the single-file binary) must pass, run in folders outside the checkout.</summary>
internal static class InstalledProgram
{
    /// <summary>Runs <c>modelops demo</c> in <paramref name="folder"/> (which holds nothing of the checkout) and checks the whole bike chain ran there.</summary>
    public static void AssertDemoRunsIn(string program, string folder, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = Shell.Run(program, ["demo"], folder, TimeSpan.FromMinutes(5), environment);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("copied the demo's configs and data", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("bike_demand version 1 @ Champion", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"rmse \d+\.\d{4} <= 80 passed", result.Stdout);

        // The store and the outputs are the current folder's, not the program's.
        Assert.True(File.Exists(Path.Combine(folder, ".modelops", "modelops.db")), result.Output);
        Assert.True(File.Exists(Path.Combine(folder, "outputs", "bike", "predictions.csv")), result.Output);
    }

    /// <summary>Serves the hub from <paramref name="folder"/>: <c>/health</c> says the version, the UI's page and <c>blazor.web.js</c> answer 200.</summary>
    public static async Task AssertServesHealthAndUiAsync(string program, string folder, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var hub = await ServedHub.StartAsync(program, folder, environment);
        using var client = new HttpClient { BaseAddress = hub.Address, Timeout = TimeSpan.FromSeconds(30) };

        using var health = JsonDocument.Parse(await client.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(Checkout.Version, health.RootElement.GetProperty("version").GetString());

        // The sign-in page (where / sends a visitor without a session) and the framework's script, from the program's own files.
        using var page = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("_framework/blazor.web", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var script = await client.GetAsync(new Uri("/_framework/blazor.web.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }

    /// <summary><c>modelops --version</c> prints Directory.Build.props' version and nothing else.</summary>
    public static void AssertVersion(string program, string folder, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = Shell.Run(program, ["--version"], folder, TimeSpan.FromMinutes(2), environment);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(Checkout.Version, result.Stdout.Trim());
    }
}
