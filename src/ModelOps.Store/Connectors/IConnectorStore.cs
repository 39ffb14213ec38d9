namespace ModelOps.Store.Connectors;

/// <summary>
/// Connectors to LLM providers; each API key is encrypted (AES-256-GCM, under the current master key of the store's
/// <see cref="SecretKeyRing"/>, <see cref="StoreOptions.SecretKeys"/>) before it is written and decrypted only by
/// <see cref="OpenConnectorAsync"/>. Reach it through <see cref="IModelStore.Connectors"/>; it shares that store's
/// connections and is as thread-safe. A connector shows only its key's last 4 characters (none for a key of 8 or fewer).
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

    /// <summary>
    /// Re-encrypts every API key that is not under the current master key (the first of <see cref="SecretKeyRing"/>)
    /// under it, in one transaction, with the hub's session keys (<see cref="Auth.ITokenStore.GetSessionKeysAsync"/>):
    /// the step of a key rotation between adding the new key in front of the old one and dropping the old one.
    /// </summary>
    /// <returns>How many keys were re-encrypted.</returns>
    /// <exception cref="StoreException">A key was encrypted under a master key the ring lacks (nothing is changed).</exception>
    Task<int> ReencryptConnectorKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Rotates the master key. With a key file: writes a new key in front of the old ones, re-encrypts every API key
    /// under it, then leaves only the new key in the file (each step atomic, so a crash leaves every key readable).
    /// With <c>MODELOPS_SECRET_KEY</c> holding <c>NEW,OLD</c>: re-encrypts under NEW (the variable is the operator's to change).
    /// </summary>
    /// <exception cref="StoreException">The variable holds one key (<see cref="StoreErrorKind.Invalid"/>, saying how to rotate), or the key file cannot be written.</exception>
    Task<MasterKeyRotation> RotateMasterKeyAsync(CancellationToken cancellationToken = default);
}
