using Microsoft.Extensions.AI;
using ModelOps.Store;
using ModelOps.Store.Connectors;

namespace ModelOps.Hub.Connectors;

/// <summary>
/// Calls a stored connector: the one place that decrypts a connector's key (<see cref="IConnectorStore.OpenConnectorAsync"/>)
/// and hands it to <see cref="ConnectorClientFactory"/>. The API, the UI and the CLI check connectors and get their chat
/// clients through it.
/// </summary>
/// <param name="store">The connectors.</param>
/// <param name="factory">Makes the clients.</param>
public sealed class ConnectorService(IConnectorStore store, ConnectorClientFactory factory)
{
    /// <summary>Checks connector <paramref name="name"/> with one small call: which model answered and how fast, or what failed in plain words.</summary>
    /// <exception cref="StoreException">No such connector, or its key cannot be decrypted with this process's master key.</exception>
    public async Task<ConnectorCheck> CheckAsync(string name, CancellationToken cancellationToken)
    {
        var credentials = await store.OpenConnectorAsync(name, cancellationToken).ConfigureAwait(false);
        try
        {
            return await factory.CheckAsync(credentials, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException error)
        {
            throw new StoreException(StoreErrorKind.Invalid, error.Message, error);
        }
    }

    /// <summary>A chat client of connector <paramref name="name"/>; dispose it when done. Its failed calls throw <see cref="ConnectorException"/>.</summary>
    /// <exception cref="StoreException">No such connector, its key cannot be decrypted, or its settings cannot make a client.</exception>
    public async Task<IChatClient> OpenChatClientAsync(string name, CancellationToken cancellationToken)
    {
        var credentials = await store.OpenConnectorAsync(name, cancellationToken).ConfigureAwait(false);
        try
        {
            return factory.CreateChatClient(credentials);
        }
        catch (ArgumentException error)
        {
            throw new StoreException(StoreErrorKind.Invalid, error.Message, error);
        }
    }
}
