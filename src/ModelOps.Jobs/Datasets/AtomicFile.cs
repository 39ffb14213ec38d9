using System.Security.Cryptography;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// Replaces a file all at once: the content is written to a temporary file in the same folder
/// (<c>.&lt;name&gt;.tmp-&lt;random&gt;</c>), flushed to disk, then renamed over the target, so readers see
/// the old file or the new one, never a half-written one. On any failure (an exception or a cancellation
/// from the writer) the temporary file is deleted and an existing target is left untouched.
/// Used by the dataset writers; meant for every writer of whole files (SQL exports, model files).
/// </summary>
/// <remarks>
/// The rename is atomic on one file system (POSIX <c>rename</c>, Windows <c>MoveFileEx</c> with replace).
/// The folder entry itself is not flushed (.NET has no portable directory fsync), so after a power loss
/// the target may still be the old file, but never a partial new one.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, which gets a stream on the temporary file.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no folder.", nameof(path));
        var temporary = TemporaryPath(folder, Path.GetFileName(target));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The temporary file's path for a target named <paramref name="name"/> in <paramref name="folder"/>.</summary>
    internal static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $".{name}.tmp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original error matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
