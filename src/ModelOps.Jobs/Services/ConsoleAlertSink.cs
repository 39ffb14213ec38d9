namespace ModelOps.Jobs.Services;

/// <summary>Writes each alert as the line <c>[alert] title: message</c>.</summary>
/// <param name="writer">Where alerts go; writes are serialised on it (shared with the console log).</param>
internal sealed class ConsoleAlertSink(TextWriter writer) : IAlerts
{
    /// <inheritdoc/>
    public Task NotifyAsync(string title, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            lock (writer)
            {
                writer.WriteLine($"[alert] {title}: {message}");
                writer.Flush();
            }
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // A console that went away must not fail the job.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The alerts of <c>enabled: false</c>: every alert is dropped.</summary>
internal sealed class DisabledAlertSink : IAlerts
{
    /// <inheritdoc/>
    public Task NotifyAsync(string title, string message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(message);
        return Task.CompletedTask;
    }
}
