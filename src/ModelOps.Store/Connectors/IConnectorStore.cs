namespace ModelOps.Store.Connectors;

/// <summary>
/// Connectors to LLM providers; each API key is encrypted (AES-256-GCM, under the store's master key) before it is
/// written and decrypted only by <see cref="OpenConnectorAsync"/>.
/// </summary>
public interface IConnectorStore
{
    /// <summary>Adds a connector.</summary>
    /// <param name="connector">What to add.</param>
    /// <param name="actor">Who adds it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StoreException">The name is taken (<see cref="StoreErrorKind.Conflict"/>), or a field is invalid (<see cref="StoreErrorKind.Invalid"/>, every problem listed).</exception>
    Task<Connector> AddConnectorAsync(NewConnector connector, string actor, CancellationToken cancellationToken = default);

    /// <summary>Changes connector <paramref name="name"/>.</summary>
    /// <exception cref="StoreException">No such connector (<see cref="StoreErrorKind.NotFound"/>), or a field is invalid.</exception>
    Task<Connector> UpdateConnectorAsync(string name, ConnectorChange change, CancellationToken cancellationToken = default);

    /// <summary>Removes connector <paramref name="name"/> and its key.</summary>
    /// <exception cref="StoreException">No such connector (<see cref="StoreErrorKind.NotFound"/>).</exception>
    Task RemoveConnectorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Connector <paramref name="name"/> (never its key).</summary>
    /// <exception cref="StoreException">No such connector (<see cref="StoreErrorKind.NotFound"/>).</exception>
    Task<Connector> GetConnectorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every connector (never a key), by name.</summary>
    Task<IReadOnlyList<Connector>> ListConnectorsAsync(CancellationToken cancellationToken = default);

    /// <summary>Connector <paramref name="name"/> with its API key decrypted, for one call.</summary>
    /// <exception cref="StoreException">
    /// No such connector (<see cref="StoreErrorKind.NotFound"/>), or its key was encrypted under another master key
    /// (<see cref="StoreErrorKind.Invalid"/>, naming both keys' ids).
    /// </exception>
    Task<ConnectorCredentials> OpenConnectorAsync(string name, CancellationToken cancellationToken = default);
}
