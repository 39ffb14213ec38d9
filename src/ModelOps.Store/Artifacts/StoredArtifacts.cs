using ModelOps.Store.Registry;

namespace ModelOps.Store.Artifacts;

/// <summary>
/// Opens a recorded artifact together with its record (path, size, sha256): an artifact of a run, or the model file of
/// a registered version. The one way the hub's downloads and <c>modelops artifacts download</c> reach the bytes.
/// </summary>
public static class StoredArtifacts
{
    /// <summary>The artifact <paramref name="path"/> of run <paramref name="runId"/> and its record.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such run or artifact (the message lists the run's artifacts), or its file is gone.</exception>
    public static async Task<(ArtifactRecord Record, Stream Content)> OpenRunArtifactAsync(this IModelStore store, string runId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        var content = await store.OpenArtifactAsync(runId, path, cancellationToken).ConfigureAwait(false);
        try
        {
            var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            return (run.Artifacts.Single(a => a.Path == path.Replace('\\', '/')), content);
        }
        catch
        {
            await content.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The model file of <paramref name="version"/> and its record.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) The version has no run, its run does not list its file, or the file is gone.</exception>
    public static async Task<(ArtifactRecord Record, Stream Content)> OpenVersionArtifactAsync(this IModelStore store, ModelVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        var runId = version.RunId ?? throw new StoreException(StoreErrorKind.NotFound, $"{version.Model} version {version.Version} has no run, so no artifact record");
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var record = run.Artifacts.FirstOrDefault(a => a.Uri == version.ArtifactUri)
            ?? throw new StoreException(StoreErrorKind.NotFound, $"{version.Model} version {version.Version} points at {version.ArtifactUri}, which run '{runId}' does not list as an artifact");
        return (record, await store.OpenArtifactAsync(runId, record.Path, cancellationToken).ConfigureAwait(false));
    }
}
