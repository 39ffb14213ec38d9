using ModelOps.Core.Data;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// A config node that writes one frame atomically; its <c>KIND</c> is <c>CsvWriter</c>, <c>JsonLinesWriter</c>
/// or <c>SqlWriter</c> (see <see cref="DatasetKinds.AddDatasets"/> and <c>docs/datasets.md</c>).
/// </summary>
/// <remarks>
/// Files are written to a temporary file beside the target and renamed over it; tables are written in one
/// transaction. On any failure or cancellation the old file or table is left as it was. Problems with the
/// target (a table that exists in mode <c>Fail</c>, a column the table cannot hold, a database error) raise
/// <see cref="DatasetException"/> naming the path or table; invalid settings raise one
/// <see cref="ArgumentException"/> listing every problem (see <see cref="DatasetSettings.Validate"/>).
/// </remarks>
public abstract record DatasetWriter : DatasetSettings
{
    /// <summary>Writes the whole frame atomically (temp file + rename, or one database transaction); returns the target URI.</summary>
    /// <returns>The absolute file path, or <c>sqlite:/absolute/path.db#table</c>, or <c>postgresql://user@host:port/db#table</c>.</returns>
    public abstract Task<string> WriteAsync(Frame frame, CancellationToken cancellationToken = default);

    /// <summary>Writes a file on a pool thread through <paramref name="write"/> (which replaces it atomically), creating its folder first.</summary>
    private protected Task<string> WriteFileAsync(string path, Frame frame, Action<string, Frame, CancellationToken> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ThrowIfInvalid();
        return Task.Run(
            () =>
            {
                var full = Path.GetFullPath(path);
                if (Path.GetDirectoryName(full) is { } folder)
                {
                    Directory.CreateDirectory(folder);
                }

                write(full, frame, cancellationToken);
                return full;
            },
            CancellationToken.None); // the writer itself honours the token, so a cancelled write also cleans its temporary file
    }
}
