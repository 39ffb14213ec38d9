using ModelOps.Store.Artifacts;
using ModelOps.Store.Postgres;
using ModelOps.Store.Sql;
using ModelOps.Store.Sqlite;

namespace ModelOps.Store;

/// <summary>
/// Opens a store from where its database is, and brings the database's schema up to date
/// (migrations are applied automatically, each in a transaction, at most once).
/// </summary>
/// <remarks>
/// Locations:
/// <list type="bullet">
/// <item><c>postgresql://user:password@host:port/database?search_path=schema&amp;sslmode=require</c> (or <c>postgres://</c>): a PostgreSQL database.</item>
/// <item><c>sqlite:///absolute/path.db</c>, <c>sqlite:relative/path.db</c>, or a plain file path: a SQLite file, created with its folder when missing.
/// Options after <c>?</c>, joined by <c>&amp;</c>: <c>mode=ro</c> opens it read-only; <c>synchronous=normal</c>
/// lets a commit return once its write-ahead log is written, without waiting for the disk (<c>fsync</c>):
/// committed rows survive the process being killed, but the last commits may be lost if the machine
/// loses power or crashes. <c>synchronous=full</c> waits for the disk at every commit.
/// <c>checkpoint=background</c> copies the log into the database file from a thread of the store every
/// <see cref="StoreDefaults.BackgroundCheckpointInterval"/> instead of in the commit that fills it
/// (<c>checkpoint=auto</c>), so no commit waits for a checkpoint's writes and <c>fsync</c>. An option
/// the URL does not give comes from <see cref="StoreOptions"/> (default: <c>full</c>, <c>auto</c>).</item>
/// </list>
/// Anything else is refused with <see cref="StoreErrorKind.Invalid"/> before a file is touched: a location
/// starting with another scheme (<c>postgress://</c>, <c>sqlte:</c>, <c>mysql://</c>), and a plain path with
/// <c>?</c> (options need the <c>sqlite:</c> form).
/// </remarks>
public static class StoreFactory
{
    private const string AcceptedForms = "a file path, sqlite:///absolute/path.db, sqlite:relative/path.db, postgresql://user@host:port/database";

    /// <summary>Opens the store at <paramref name="location"/>; see <see cref="OpenAsync"/>.</summary>
    public static IModelStore Open(string? location = null, StoreOptions? options = null) =>
        OpenAsync(location, options).GetAwaiter().GetResult();

    /// <summary>Opens the store at <paramref name="location"/> and applies missing migrations.</summary>
    /// <param name="location">A URL or path (see the remarks). Default: <see cref="StoreDefaults.DatabaseLocation"/>.</param>
    /// <param name="options">Clock, timeouts and artifact store. Default: <see cref="StoreOptions"/>'s defaults.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="StoreException">The location is malformed or has an unknown scheme, or the database cannot be used (one line: locked, read-only, corrupt, unreachable).</exception>
    public static async Task<IModelStore> OpenAsync(string? location = null, StoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StoreOptions();
        location ??= StoreDefaults.DatabaseLocation();
        if (location.Trim().Length == 0)
        {
            throw new StoreException(StoreErrorKind.Invalid, "the database location is empty; give a file path or a postgresql:// URL");
        }

        var scheme = Scheme(location);
        if (scheme is "postgresql" or "postgres")
        {
            // Artifacts live in the database, so every process that reaches it opens them (not in the
            // local folder of whichever process wrote them).
            var postgres = new PostgresDialect(PostgresUrl.Parse(location), options.ConnectTimeout);
            var artifacts = options.Artifacts ?? new PostgresArtifactStore(postgres, options.TimeProvider);
            return await SqlStore.OpenAsync(postgres, artifacts, options, null, cancellationToken).ConfigureAwait(false);
        }

        if (scheme is not null and not "sqlite")
        {
            throw new StoreException(StoreErrorKind.Invalid, $"database URL '{PostgresUrl.Redact(location)}' is invalid: unknown scheme '{location[..scheme.Length]}' (accepted: {AcceptedForms})");
        }

        if (scheme is null && location.Contains('?', StringComparison.Ordinal))
        {
            // The documented forms: sqlite:///absolute/path.db and sqlite:relative/path.db.
            var written = (location.StartsWith('/') ? "sqlite://" : "sqlite:") + location;
            throw new StoreException(StoreErrorKind.Invalid, $"database URL '{location}' is invalid: options after '?' need the sqlite: scheme; write '{written}'");
        }

        var (path, readOnly, synchronousNormal, backgroundCheckpoints) = ParseSqlite(location);

        // The URL's options win; StoreOptions supply what it does not say.
        var checkpointInterval = backgroundCheckpoints switch
        {
            null => options.SqliteCheckpointInterval,
            true => options.SqliteCheckpointInterval ?? StoreDefaults.BackgroundCheckpointInterval,
            false => null,
        };
        var full = Path.GetFullPath(path);
        if (readOnly && !File.Exists(full))
        {
            throw new StoreException(StoreErrorKind.Unavailable, $"SQLite database '{full}' does not exist (opened read-only, so it is not created)");
        }

        if (!readOnly && Path.GetDirectoryName(full) is { } folder)
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new StoreException(StoreErrorKind.Unavailable, $"SQLite database '{full}' cannot be created: its folder cannot be made ({error.Message})", error);
            }
        }

        var sqliteArtifacts = options.Artifacts
            ?? new LocalArtifactStore(options.ArtifactRoot ?? Path.Combine(Path.GetDirectoryName(full) ?? ".", "artifacts"));
        var dialect = new SqliteDialect(full, readOnly, options.BusyTimeout, checkpointInterval, synchronousNormal ?? options.SqliteSynchronousNormal);
        try
        {
            await dialect.EnableWalAsync(cancellationToken).ConfigureAwait(false);
            dialect.StartCheckpoints();
        }
        catch (Exception error) when (dialect.Translate(error) is { } translated)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw translated;
        }

        return await SqlStore.OpenAsync(dialect, sqliteArtifacts, options, Path.GetDirectoryName(full), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The scheme of <paramref name="location"/> in lower case (<c>word:</c> or <c>word://</c> at its start,
    /// a word as RFC 3986 spells a scheme), or <see langword="null"/> for a plain file path. Checked before
    /// the location could be taken as a path, so a mistyped URL is an error and never a new file.
    /// </summary>
    private static string? Scheme(string location)
    {
        var colon = location.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !char.IsAsciiLetter(location[0]))
        {
            return null;
        }

        for (var i = 1; i < colon; i++)
        {
            var c = location[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return null;
            }
        }

        return location[..colon].ToLowerInvariant();
    }

    /// <summary>The file and the URL's options; <see langword="null"/> where the URL does not say.</summary>
    private static (string Path, bool ReadOnly, bool? SynchronousNormal, bool? BackgroundCheckpoints) ParseSqlite(string location)
    {
        var path = location;
        var readOnly = false;
        bool? synchronousNormal = null;
        bool? backgroundCheckpoints = null;
        if (path.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            path = path["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            var query = path.IndexOf('?', StringComparison.Ordinal);
            if (query >= 0)
            {
                var options = path[(query + 1)..];
                path = path[..query];
                foreach (var option in options.Split('&'))
                {
                    switch (option)
                    {
                        case "mode=ro" or "mode=readonly":
                            readOnly = true;
                            break;
                        case "mode=rw" or "mode=rwc":
                            readOnly = false;
                            break;
                        case "synchronous=normal":
                            synchronousNormal = true;
                            break;
                        case "synchronous=full":
                            synchronousNormal = false;
                            break;
                        case "checkpoint=background":
                            backgroundCheckpoints = true;
                            break;
                        case "checkpoint=auto":
                            backgroundCheckpoints = false;
                            break;
                        default:
                            throw new StoreException(StoreErrorKind.Invalid, $"database URL '{location}' is invalid: unknown option '{option}' (known: mode=ro, synchronous=full, synchronous=normal, checkpoint=auto, checkpoint=background)");
                    }
                }
            }

            path = Uri.UnescapeDataString(path);
            if (path.Length == 0)
            {
                throw new StoreException(StoreErrorKind.Invalid, $"database URL '{location}' is invalid: it names no file (write sqlite:///absolute/path.db)");
            }
        }

        return (path, readOnly, synchronousNormal, backgroundCheckpoints);
    }
}
