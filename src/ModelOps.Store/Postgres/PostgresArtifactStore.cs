using System.Data;
using System.Security.Cryptography;
using ModelOps.Store.Artifacts;
using ModelOps.Store.Sql;
using Npgsql;
using NpgsqlTypes;

namespace ModelOps.Store.Postgres;

/// <summary>
/// Artifacts in the PostgreSQL database itself, content-addressed: table <c>artifact_blobs</c> holds each
/// distinct content once, under its sha256, and an artifact's URI is <c>modelops-db:sha256/&lt;64 hex digits&gt;</c>,
/// so every process that reaches the database (a hub or a worker on another machine) opens every artifact.
/// A write is one transaction (<c>INSERT ... ON CONFLICT DO NOTHING</c>: the same bytes again store nothing);
/// a read streams the bytes and checks their sha256 against the address before handing them out.
/// <c>file://</c> URIs, written by the local folder store before artifacts moved into the database, still open from their files.
/// </summary>
/// <remarks>
/// An artifact is held in memory while it is written (its address is known only once it is read) and
/// while it is read (it is checked before anyone sees it); PostgreSQL stores at most 1 GB in one value.
/// </remarks>
internal sealed class PostgresArtifactStore(PostgresDialect dialect, TimeProvider time) : IArtifactStore
{
    /// <summary>The table of the artifacts' content.</summary>
    public const string Table = "artifact_blobs";

    /// <summary>The start of every URI of this store; 64 lower-case hex digits (the sha256) follow.</summary>
    public const string UriPrefix = "modelops-db:sha256/";

    private const int BufferSize = 81920;

    /// <summary><c>postgresql://user@host:port/database (table artifact_blobs)</c>, with the schema when one is set; never the password.</summary>
    public string Location { get; } = $"{dialect.Url.DisplayUrl} (table {Table})";

    public async Task<StoredArtifact> PutAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, BufferSize, cancellationToken).ConfigureAwait(false);
        var bytes = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, checked((int)buffer.Length));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        try
        {
            await using var connection = (NpgsqlConnection)await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {Table} (sha256, size_bytes, content, created_at) VALUES (@sha256, @size, @content, @at) ON CONFLICT (sha256) DO NOTHING",
                connection,
                (NpgsqlTransaction)transaction);
            command.Parameters.Add(new NpgsqlParameter<string>("sha256", NpgsqlDbType.Text) { TypedValue = sha256 });
            command.Parameters.Add(new NpgsqlParameter<long>("size", NpgsqlDbType.Bigint) { TypedValue = bytes.Length });
            command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("content", NpgsqlDbType.Bytea) { TypedValue = bytes });
            command.Parameters.Add(new NpgsqlParameter("at", dialect.ToDb(SqlDialect.Microseconds(time.GetUtcNow()))));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (dialect.Translate(error) is { } translated)
        {
            throw translated;
        }

        return new StoredArtifact(UriPrefix + sha256, bytes.Length, sha256);
    }

    /// <exception cref="FileNotFoundException">The database holds no content at the URI's address, or the URI is neither of this store nor a <c>file://</c> one.</exception>
    /// <exception cref="IOException">The bytes read do not have the sha256 of the URI's address (the content was changed in the database).</exception>
    public async Task<Stream> OpenAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return LocalArtifactStore.OpenFile(uri);
        }

        var sha256 = Address(uri)
            ?? throw new FileNotFoundException($"artifact {uri} cannot be opened: its URI is neither {UriPrefix}<64 hex digits> (the database) nor file:// (a local file)", uri);
        try
        {
            await using var connection = (NpgsqlConnection)await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"SELECT size_bytes, content FROM {Table} WHERE sha256 = @sha256", connection);
            command.Parameters.Add(new NpgsqlParameter<string>("sha256", NpgsqlDbType.Text) { TypedValue = sha256 });

            // Sequential access streams the content from the connection instead of buffering the whole row first.
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new FileNotFoundException($"artifact {uri} is not in {Location}", uri);
            }

            var copy = new MemoryStream(checked((int)reader.GetInt64(0)));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var content = reader.GetStream(1))
            {
                var chunk = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(chunk, 0, read);
                    copy.Write(chunk, 0, read);
                }
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (actual != sha256)
            {
                throw new IOException($"artifact {uri} is corrupt: the bytes in {Location} have sha256 {actual}, not the sha256 its URI names");
            }

            return new MemoryStream(copy.GetBuffer(), 0, checked((int)copy.Length), writable: false);
        }
        catch (Exception error) when (dialect.Translate(error) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The sha256 that <paramref name="uri"/> addresses, or <see langword="null"/> when it is not a URI of this store.</summary>
    internal static string? Address(string uri)
    {
        if (!uri.StartsWith(UriPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var sha256 = uri[UriPrefix.Length..];
        return sha256.Length == 64 && sha256.All(char.IsAsciiHexDigitLower) ? sha256 : null;
    }
}
