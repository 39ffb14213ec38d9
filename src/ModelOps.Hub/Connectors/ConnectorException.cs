namespace ModelOps.Hub.Connectors;

/// <summary>
/// Thrown by the chat clients of <see cref="ConnectorClientFactory"/> for every failed call, whichever SDK made it;
/// <see cref="Error"/> says which kind of failure it is, in plain words. A call cancelled through the caller's own
/// token throws <see cref="OperationCanceledException"/> instead. Neither the message nor the inner exception shows
/// the API key (an SDK exception whose text would show it is not kept).
/// </summary>
public sealed class ConnectorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="connector">The connector's name.</param>
    /// <param name="error">What failed.</param>
    /// <param name="innerException">The SDK's exception, when it does not show the key.</param>
    public ConnectorException(string connector, ConnectorError error, Exception? innerException = null)
        : base($"Connector '{connector}': {error?.Message}", innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Connector = connector;
        Error = error;
    }

    /// <summary>The connector's name.</summary>
    public string Connector { get; }

    /// <summary>What failed.</summary>
    public ConnectorError Error { get; }
}
