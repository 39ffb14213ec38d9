using System.Security.Cryptography;

namespace ModelOps.Store.Artifacts;

/// <summary>
/// Artifacts in a local folder: <c>ROOT/&lt;run-id&gt;/&lt;path&gt;</c>. A write goes to a temporary
/// file in the same folder, hashed while it is copied, then renamed over the target, so readers
/// see the old file or the new one, never a part.
/// </summary>
internal sealed class LocalArtifactStore(string root) : IArtifactStore
{
    private const int BufferSize = 81920;

    public string Root { get; } = Path.GetFullPath(root);

    public string Location => Root;

    public async Task<StoredArtifact> PutAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Path.Combine(Root, runId, path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            long size = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
            return new StoredArtifact(new Uri(target).AbsoluteUri, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<Stream> OpenAsync(string uri, CancellationToken cancellationToken = default) => Task.FromResult(OpenFile(uri));

    /// <summary>
    /// Opens the file of a <c>file://</c> URI (as <see cref="PutAsync"/> returns them) for reading; also how a
    /// store whose artifacts live elsewhere opens the files written before they did.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is not there (<see cref="DirectoryNotFoundException"/> when its folder is not either).</exception>
    public static Stream OpenFile(string uri) =>
        new FileStream(new Uri(uri).LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
}
