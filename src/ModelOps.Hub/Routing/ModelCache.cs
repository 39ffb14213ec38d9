using System.Collections.Concurrent;
using System.Globalization;
using ModelOps.Core.Models;
using ModelOps.Hub.Errors;
using ModelOps.Store;

namespace ModelOps.Hub.Routing;

/// <summary>Loaded model files by (model, version): each is read once and shared (fitted models are read-only, so thread-safe).</summary>
internal sealed class ModelCache(IModelStore store)
{
    private readonly ConcurrentDictionary<(string Model, int Version), Lazy<Task<Model>>> _models = new();

    /// <exception cref="HubException">503 when the version's file cannot be read or is not a ModelOps model.</exception>
    /// <exception cref="StoreException">The version does not exist.</exception>
    public async Task<Model> GetAsync(string model, int version, CancellationToken cancellationToken)
    {
        var key = (model, version);
        var lazy = _models.GetOrAdd(key, k => new Lazy<Task<Model>>(() => LoadAsync(k.Model, k.Version)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Do not keep a failure: the file may be fixed, or the database back.
            _models.TryRemove(new KeyValuePair<(string, int), Lazy<Task<Model>>>(key, lazy));
            throw;
        }
    }

    private async Task<Model> LoadAsync(string model, int version)
    {
        var registered = await store.GetVersionAsync(model, version).ConfigureAwait(false);
        try
        {
            await using var stream = await store.Artifacts.OpenAsync(registered.ArtifactUri).ConfigureAwait(false);
            return ModelFile.Load(stream);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ModelFormatException)
        {
            throw new HubException(503, string.Create(CultureInfo.InvariantCulture, $"model {model}/{version} cannot be loaded from {registered.ArtifactUri}: {error.Message}"));
        }
    }
}
