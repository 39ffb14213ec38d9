using System.Collections.Concurrent;
using System.Globalization;
using ModelOps.Core.Models;
using ModelOps.Hub.Errors;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Routing;

/// <summary>
/// Loaded versions by (model, version), loaded with <see cref="RegisteredModels.LoadAsync(IModelStore, ModelVersion, CancellationToken)"/>:
/// each is read once and shared (fitted models and their prepared explainers are read-only, so thread-safe).
/// </summary>
internal sealed class ModelCache(IModelStore store)
{
    private readonly ConcurrentDictionary<(string Model, int Version), Lazy<Task<LoadedModel>>> _models = new();

    /// <exception cref="HubException">503 when the version's file cannot be read or is not a ModelOps model.</exception>
    /// <exception cref="StoreException">The version does not exist.</exception>
    public async Task<LoadedModel> GetAsync(string model, int version, CancellationToken cancellationToken)
    {
        var key = (model, version);
        var lazy = _models.GetOrAdd(key, k => new Lazy<Task<LoadedModel>>(() => LoadAsync(k.Model, k.Version)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Do not keep a failure: the file may be fixed, or the database back.
            _models.TryRemove(new KeyValuePair<(string, int), Lazy<Task<LoadedModel>>>(key, lazy));
            throw;
        }
    }

    private async Task<LoadedModel> LoadAsync(string model, int version)
    {
        var registered = await store.GetVersionAsync(model, version).ConfigureAwait(false);
        try
        {
            return await store.LoadAsync(registered).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ModelFormatException)
        {
            // The artifact's path and the reader's words go to the server log only (through the cause).
            throw new HubException(
                503,
                string.Create(CultureInfo.InvariantCulture, $"model {model}/{version} cannot be loaded: its model file is missing, unreadable or not a ModelOps model; the server log has the cause"),
                cause: new IOException(string.Create(CultureInfo.InvariantCulture, $"model {model}/{version} cannot be loaded from {registered.ArtifactUri}: {error.Message}"), error));
        }
    }
}
