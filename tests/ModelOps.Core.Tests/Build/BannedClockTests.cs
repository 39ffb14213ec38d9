using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ModelOps.Core.Tests.Build;

/// <summary>
/// The repository's build bans reading the clock directly in product code (Directory.Build.props +
/// BannedSymbols.txt, analyzer RS0030): a probe project placed in the repository, so that it gets the
/// same build settings as src/, is compiled with the real SDK.
/// </summary>
public sealed partial class BannedClockTests
{
    [Fact]
    public async Task Build_ProductCodeReadingTheClock_FailsNamingEachCallAndTimeProvider()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "banned-clock-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "ClockProbe.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <GenerateDocumentationFile>false</GenerateDocumentationFile>
                  </PropertyGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(folder, "Clock.cs"), """
                namespace ClockProbe;

                internal static class Clock
                {
                    public static object[] Read() =>
                    [
                        System.DateTime.Now,
                        System.DateTime.UtcNow,
                        System.DateTimeOffset.Now,
                        System.DateTimeOffset.UtcNow,
                        System.TimeProvider.System.GetUtcNow(),
                    ];
                }
                """);

            var (exitCode, output) = await BuildAsync(folder);

            Assert.NotEqual(0, exitCode);
            var banned = BannedCall().Matches(output).Select(m => (Line: int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), Symbol: m.Groups["symbol"].Value)).Distinct().OrderBy(b => b.Line).ToArray();
            Assert.Equal([(7, "DateTime.Now"), (8, "DateTime.UtcNow"), (9, "DateTimeOffset.Now"), (10, "DateTimeOffset.UtcNow")], banned);
            Assert.Contains(
                "The symbol 'DateTime.UtcNow' is banned in this project: Read the clock through a TimeProvider (JobContext.Time, StoreOptions.TimeProvider, HubOptions.TimeProvider)",
                output,
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string folder)
    {
        var start = new ProcessStartInfo("dotnet", ["build", "--nologo", "-nodeReuse:false", "-clp:NoSummary", "-v", "quiet"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"Clock\.cs\((?<line>\d+),\d+\): error RS0030: The symbol '(?<symbol>[A-Za-z.]+)' is banned")]
    private static partial Regex BannedCall();
}
