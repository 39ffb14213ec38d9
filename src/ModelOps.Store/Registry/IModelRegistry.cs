namespace ModelOps.Store.Registry;

/// <summary>
/// The model registry: registered models, their versions numbered 1, 2, 3... without gaps or
/// duplicates (even when several processes register at once), aliases such as <c>Champion</c>
/// pointing at a version, and the append-only history of alias moves. Unknown names fail with a
/// <see cref="StoreException"/> of kind <see cref="StoreErrorKind.NotFound"/> that lists what exists.
/// </summary>
public interface IModelRegistry
{
    /// <summary>Creates a registered model.</summary>
    /// <exception cref="StoreException">A model with this name exists (<see cref="StoreErrorKind.Conflict"/>) or the name is invalid.</exception>
    Task<RegisteredModel> CreateModelAsync(string name, string? description = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>The registered model <paramref name="name"/>.</summary>
    /// <exception cref="StoreException">No such model.</exception>
    Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every registered model, by name.</summary>
    Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers the next version of a model (creating the model on first use) in one transaction:
    /// either the whole version (number, tags) is stored or nothing is.
    /// </summary>
    /// <exception cref="StoreException">The source run does not exist, or a name is invalid.</exception>
    Task<ModelVersion> RegisterVersionAsync(NewModelVersion version, CancellationToken cancellationToken = default);

    /// <summary>Version <paramref name="version"/> of model <paramref name="model"/>.</summary>
    /// <exception cref="StoreException">No such model or version.</exception>
    Task<ModelVersion> GetVersionAsync(string model, int version, CancellationToken cancellationToken = default);

    /// <summary>The highest version of model <paramref name="model"/>.</summary>
    /// <exception cref="StoreException">No such model, or it has no versions.</exception>
    Task<ModelVersion> GetLatestVersionAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>Every version of model <paramref name="model"/>, by number.</summary>
    /// <exception cref="StoreException">No such model.</exception>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// The version a reference names: <c>name@alias</c>, <c>name/3</c>, or <c>name</c> and
    /// <c>name/latest</c> for the highest version (see <see cref="ModelReference"/>).
    /// </summary>
    /// <exception cref="StoreException">The reference is malformed, or names a model, alias or version that does not exist.</exception>
    Task<ModelVersion> ResolveAsync(string reference, CancellationToken cancellationToken = default);

    /// <summary>Changes the status of a version (for example archives it).</summary>
    Task<ModelVersion> SetVersionStatusAsync(string model, int version, ModelVersionStatus status, CancellationToken cancellationToken = default);

    /// <summary>
    /// Points alias <paramref name="alias"/> of a model at <paramref name="version"/> and appends the
    /// move (time, actor, from, to, reason) to the alias history, in one transaction.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <param name="alias">The alias, such as <c>Champion</c>: a letter, then letters, digits, <c>_</c> or <c>-</c>.</param>
    /// <param name="version">The version it points at from now on.</param>
    /// <param name="reason">Why, for the history; optional.</param>
    /// <param name="actor">Who, for the history. Default: <see cref="StoreOptions.Actor"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StoreException">No such model or version, or an invalid alias name.</exception>
    Task<AliasChange> SetAliasAsync(string model, string alias, int version, string? reason = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Removes an alias and appends the removal (to-version empty) to the alias history.</summary>
    /// <exception cref="StoreException">No such model or alias.</exception>
    Task<AliasChange> DeleteAliasAsync(string model, string alias, string? reason = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>The aliases of a model, by name.</summary>
    /// <exception cref="StoreException">No such model.</exception>
    Task<IReadOnlyList<ModelAlias>> ListAliasesAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>The alias moves of a model (of one alias when <paramref name="alias"/> is given), oldest first.</summary>
    /// <exception cref="StoreException">No such model.</exception>
    Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string model, string? alias = null, CancellationToken cancellationToken = default);
}
