namespace ModelOps.Store.Artifacts;

/// <summary>
/// Where artifact files of runs are kept. The default on SQLite is a local folder
/// (<c>.modelops/artifacts/&lt;run-id&gt;/</c>); on PostgreSQL it is the database itself
/// (table <c>artifact_blobs</c>, content-addressed), so every process that reaches the database opens
/// every artifact. Another store (object storage, a shared folder) implements this interface and is
/// passed in <see cref="StoreOptions.Artifacts"/>.
/// Implementations must make a write all-or-nothing: a reader never sees half a file.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Where the artifacts are, for messages (a folder, a base URI, or a database and table); never a password.</summary>
    string Location { get; }

    /// <summary>Writes <paramref name="content"/> as <paramref name="path"/> of run <paramref name="runId"/>, replacing an earlier file.</summary>
    /// <param name="runId">The run the artifact belongs to.</param>
    /// <param name="path">The relative path, already validated: <c>/</c>-separated, no <c>..</c>, not rooted.</param>
    /// <param name="content">The bytes to store, read to the end.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is left behind.</param>
    /// <returns>The URI, size and sha256 of what was stored.</returns>
    Task<StoredArtifact> PutAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the artifact at <paramref name="uri"/> (as returned by <see cref="PutAsync"/>) for reading.</summary>
    /// <exception cref="FileNotFoundException">It is not there.</exception>
    Task<Stream> OpenAsync(string uri, CancellationToken cancellationToken = default);
}

/// <summary>What an <see cref="IArtifactStore"/> stored.</summary>
/// <param name="Uri">Where it is, such as <c>file:///work/.modelops/artifacts/0197.../model.json</c> (a local folder) or <c>modelops-db:sha256/9f86...</c> (PostgreSQL).</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="Sha256">The sha256 of its bytes, 64 lower-case hex digits.</param>
public sealed record StoredArtifact(string Uri, long SizeBytes, string Sha256);

/// <summary>An artifact as recorded in the tracking store.</summary>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="Path">Its relative path within the run.</param>
/// <param name="Uri">Where it is.</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="Sha256">The sha256 of its bytes, 64 lower-case hex digits.</param>
/// <param name="LoggedAt">When it was stored (UTC).</param>
public sealed record ArtifactRecord(string RunId, string Path, string Uri, long SizeBytes, string Sha256, DateTimeOffset LoggedAt);
