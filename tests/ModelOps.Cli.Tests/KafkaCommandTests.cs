using System.Diagnostics;

namespace ModelOps.Cli.Tests;

/// <summary><c>modelops kafka mock</c> as a real process, reached by Debian's <c>kcat</c>.</summary>
public sealed class KafkaCommandTests
{
    [Fact]
    public async Task Mock_PrintsItsBootstrapServersServesItsTopicsAndStopsOnSigterm()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "modelops.dll"), "kafka", "mock", "--topics", "inputs,outputs", "--partitions", "3"])
        {
            start.ArgumentList.Add(arg);
        }

        using var mock = Process.Start(start)!;
        var errors = mock.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await mock.StandardOutput.ReadLineAsync(timeout.Token);
        var rest = mock.StandardOutput.ReadToEndAsync();
        Assert.StartsWith("bootstrap.servers=127.0.0.1:", first, StringComparison.Ordinal);

        var kcat = new ProcessStartInfo("kcat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-b", first!["bootstrap.servers=".Length..], "-L"])
        {
            kcat.ArgumentList.Add(arg);
        }

        using var metadata = Process.Start(kcat)!;
        var listing = await metadata.StandardOutput.ReadToEndAsync(timeout.Token);
        await metadata.WaitForExitAsync(timeout.Token);
        using (var kill = Process.Start("kill", ["-TERM", mock.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        await mock.WaitForExitAsync(timeout.Token);

        Assert.Contains("topic \"inputs\" with 3 partitions:", listing, StringComparison.Ordinal);
        Assert.Contains("topic \"outputs\" with 3 partitions:", listing, StringComparison.Ordinal);
        Assert.Equal(0, mock.ExitCode);
        Assert.Equal("Kafka mock cluster running with topics inputs, outputs (3 partitions each). Ctrl+C stops it.\n", await rest);
        Assert.Equal(string.Empty, await errors);
    }
}
