using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ModelOps.Jobs.Services;

/// <summary>
/// Shows each alert with <c>notify-send TITLE MESSAGE</c>. A run of <c>notify-send</c> that fails
/// or hangs is logged as a warning; the alert is then also written to the console so it is not lost.
/// </summary>
/// <param name="program">The full path of <c>notify-send</c>.</param>
/// <param name="console">Where an alert goes when the notification fails.</param>
/// <param name="log">Where failures are logged.</param>
internal sealed class DesktopAlertSink(string program, IAlerts console, ILogger log) : IAlerts
{
    /// <summary>The full path of <c>notify-send</c>.</summary>
    public string Program { get; } = program;

    /// <summary>The first executable file named <paramref name="name"/> in the folders of <paramref name="searchPath"/>, or null.</summary>
    public static string? FindOnPath(string name, string? searchPath)
    {
        foreach (var folder in (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task NotifyAsync(string title, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(message);
        var reason = await RunAsync(title, message, cancellationToken).ConfigureAwait(false);
        if (reason is not null)
        {
            ServiceLog.DesktopFailed(log, title, reason);
            await console.NotifyAsync(title, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <c>notify-send</c>: null when it succeeded, else why not.</summary>
    private async Task<string?> RunAsync(string title, string message, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(title);
        start.ArgumentList.Add(message);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process was started");
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{Program} cannot be started: {error.Message}";
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ServiceDefaults.DesktopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return string.Create(CultureInfo.InvariantCulture, $"{Program} did not finish within {ServiceDefaults.DesktopTimeout.TotalSeconds:0} s");
            }

            await output.ConfigureAwait(false);
            var stderr = (await errors.ConfigureAwait(false)).Trim();
            if (process.ExitCode == 0)
            {
                return null;
            }

            var detail = stderr.Length == 0 ? string.Empty : ": " + stderr.ReplaceLineEndings(" ");
            return string.Create(CultureInfo.InvariantCulture, $"{Program} exited with code {process.ExitCode}{detail}");
        }
    }
}
