using ModelOps.Store.Artifacts;
using ModelOps.Store.Connectors;

namespace ModelOps.Store;

/// <summary>Options for <see cref="StoreFactory.Open"/>; every property has a working default.</summary>
public sealed class StoreOptions
{
    /// <summary>The clock for run, metric, version and alias timestamps.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long a SQLite writer waits for another one to finish before it fails with "locked".</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan BusyTimeout { get; init; } = StoreDefaults.BusyTimeout;

    /// <summary>
    /// For a long-running writer on SQLite: how often a background thread checkpoints the
    /// write-ahead log into the database file, instead of the commit that fills it past 1,000 pages
    /// doing so while every other writer waits. <see langword="null"/> keeps SQLite's automatic
    /// checkpoints. The URL's option wins: <c>?checkpoint=auto</c> keeps the automatic ones,
    /// <c>?checkpoint=background</c> runs them at this interval or, when it is <see langword="null"/>,
    /// every <see cref="StoreDefaults.BackgroundCheckpointInterval"/>. Ignored on PostgreSQL.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public TimeSpan? SqliteCheckpointInterval { get; init; }

    /// <summary>
    /// On SQLite, whether a commit returns once its write-ahead log is written, without waiting for
    /// the disk (<c>PRAGMA synchronous = NORMAL</c>: committed rows survive the process being killed,
    /// the last commits may be lost if the machine loses power or crashes), rather than after its
    /// <c>fsync</c> (<c>FULL</c>). The URL's <c>?synchronous=</c> option wins. Ignored on PostgreSQL.
    /// </summary>
    /// <value>Default: <see langword="false"/> (<c>FULL</c>).</value>
    public bool SqliteSynchronousNormal { get; init; }

    /// <summary>
    /// How many inference rows this store appends to a group before it folds the group's new rows into the inference
    /// statistics (in their own transaction, right after the append that reached the count). Appends write rows only,
    /// so a fold's cost is shared by this many rows; reads of the statistics count the rows not folded yet themselves,
    /// so a smaller number only makes those reads a little cheaper and the appends a little dearer.
    /// </summary>
    /// <value>Default: 1,000.</value>
    public int StatisticsFoldRows { get; init; } = StoreDefaults.StatisticsFoldRows;

    /// <summary>How long to wait for a PostgreSQL server to accept a connection.</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; init; } = StoreDefaults.ConnectTimeout;

    /// <summary>
    /// The folder of the local artifact store of a SQLite database. Ignored on PostgreSQL, whose
    /// artifacts live in the database (table <c>artifact_blobs</c>), and when <see cref="Artifacts"/> is set.
    /// </summary>
    /// <value>Default: <c>artifacts/</c> next to the SQLite file.</value>
    public string? ArtifactRoot { get; init; }

    /// <summary>Another artifact store (object storage, a shared folder) instead of the default, on either database.</summary>
    /// <value>
    /// Default: <see langword="null"/>: on SQLite a local folder at <see cref="ArtifactRoot"/>; on PostgreSQL the database
    /// itself, content-addressed (URIs <c>modelops-db:sha256/&lt;64 hex digits&gt;</c>), which also opens the
    /// <c>file://</c> artifacts written to local folders before.
    /// </value>
    public IArtifactStore? Artifacts { get; init; }

    /// <summary>The master keys that encrypt connectors' API keys.</summary>
    /// <value>
    /// Default: <see langword="null"/>: <see cref="SecretKeyRing.Load"/> on first use (<c>MODELOPS_SECRET_KEY</c>, else the key
    /// file, created when missing: <c>secret.key</c> next to a SQLite database).
    /// </value>
    public SecretKeyRing? SecretKeys { get; init; }

    /// <summary>Who is recorded as the actor of alias moves when a call does not name one.</summary>
    /// <value>Default: the operating-system user name.</value>
    public string Actor { get; init; } = Environment.UserName;

    /// <summary>
    /// Told, in a sentence, how far a long step of opening the store has come: building the inference statistics of
    /// the rows groups logged before they existed (migration 9), chunk by chunk.
    /// </summary>
    /// <value>Default: <see langword="null"/> (nothing told).</value>
    public Action<string>? Progress { get; init; }
}

/// <summary>The defaults of the store, in one place.</summary>
public static class StoreDefaults
{
    /// <summary>The SQLite file used when no database is named: <c>.modelops/modelops.db</c>.</summary>
    public const string DatabasePath = ".modelops/modelops.db";

    /// <summary>The environment variable that names the database: <c>MODELOPS_DATABASE_URL</c>.</summary>
    public const string DatabaseUrlVariable = "MODELOPS_DATABASE_URL";

    /// <summary>The experiment of runs started without one: <c>Default</c>.</summary>
    public const string Experiment = "Default";

    /// <summary>The alias a promotion moves when none is named: <c>Champion</c>.</summary>
    public const string Alias = "Champion";

    /// <summary>The default of <see cref="StoreOptions.StatisticsFoldRows"/>: 1,000 rows.</summary>
    public const int StatisticsFoldRows = 1000;

    /// <summary>The SQLite busy timeout: 10 seconds.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often background checkpoints run when a SQLite URL asks for them (<c>?checkpoint=background</c>): 200 ms.</summary>
    public static readonly TimeSpan BackgroundCheckpointInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The PostgreSQL connect timeout: 10 seconds.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The database to use when none is given: <see cref="DatabaseUrlVariable"/> when it is set
    /// and not empty, else <see cref="DatabasePath"/>.
    /// </summary>
    public static string DatabaseLocation() =>
        Environment.GetEnvironmentVariable(DatabaseUrlVariable) is { Length: > 0 } url ? url : DatabasePath;
}
