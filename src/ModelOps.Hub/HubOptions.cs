using System.ComponentModel.DataAnnotations;
using ModelOps.Store;

namespace ModelOps.Hub;

/// <summary>Options of the hub server (<see cref="HubApp"/>); every property has a working default.</summary>
public sealed class HubOptions
{
    /// <summary>The database (a SQLite path or a <c>postgresql://</c> URL).</summary>
    /// <value>Default: <see cref="StoreDefaults.DatabaseLocation"/> (<c>MODELOPS_DATABASE_URL</c>, else <c>.modelops/modelops.db</c>).</value>
    public string? Database { get; init; }

    /// <summary>Store options (clock, artifact folder, timeouts, SQLite commits and checkpoints).</summary>
    /// <value>Default: <see cref="HubDefaults.Store"/> (on SQLite, commits that do not wait for the disk and background checkpoints).</value>
    public StoreOptions Store { get; init; } = HubDefaults.Store();

    /// <summary>The addresses Kestrel listens on (<c>;</c>-separated); port 0 picks a free port.</summary>
    /// <value>Default: <c>http://127.0.0.1:5080</c>.</value>
    public string Urls { get; init; } = HubDefaults.Urls;

    /// <summary>The largest request body accepted; larger bodies get 413.</summary>
    /// <value>Default: 1 MiB.</value>
    [Range(1024, int.MaxValue)]
    public long MaxRequestBodyBytes { get; init; } = HubDefaults.MaxRequestBodyBytes;

    /// <summary>The largest body of a metadata import (<c>/api/import/...</c>): the metadata file with an attached model file; larger bodies get 413.</summary>
    /// <value>Default: 64 MiB.</value>
    [Range(1024, int.MaxValue)]
    public long MaxImportBodyBytes { get; init; } = HubDefaults.MaxImportBodyBytes;

    /// <summary>The most logged rows an exact analytics report (<c>GET /api/groups/{group}/analytics?exact=true</c>) reads; a window holding more gets 400.</summary>
    /// <value>Default: 1,000,000.</value>
    [Range(1, int.MaxValue)]
    public int MaxExactAnalyticsRows { get; init; } = HubDefaults.MaxExactAnalyticsRows;

    /// <summary>How often the hub checks the guardrails of its groups against their analytics (a tripped rule takes the Challenger's traffic).</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan GuardrailInterval { get; init; } = HubDefaults.GuardrailInterval;

    /// <summary>Where a tripped guardrail's alert is POSTed as <c>{"title": ..., "message": ...}</c>, besides the hub's log; <see langword="null"/> for the log only.</summary>
    /// <value>Default: <see langword="null"/>.</value>
    public Uri? AlertWebhook { get; init; }

    /// <summary>The most records one predict request may carry.</summary>
    /// <value>Default: 1000.</value>
    [Range(1, 100_000)]
    public int MaxRecordsPerRequest { get; init; } = HubDefaults.MaxRecordsPerRequest;

    /// <summary>How many predict requests may wait for the inference-log writer; when full, predict answers 503 with Retry-After.</summary>
    /// <value>Default: 4096.</value>
    [Range(1, 1_000_000)]
    public int LogQueueCapacity { get; init; } = HubDefaults.LogQueueCapacity;

    /// <summary>The most rows the writer commits in one transaction.</summary>
    /// <value>Default: 5000.</value>
    [Range(1, 1_000_000)]
    public int LogMaxBatchRows { get; init; } = HubDefaults.LogMaxBatchRows;

    /// <summary>How often the routing snapshot checks the database for group changes made by other hub processes.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan RefreshInterval { get; init; } = HubDefaults.RefreshInterval;

    /// <summary>
    /// How long a verified token is remembered before it is checked against the database again: a token
    /// revoked by any process is refused by this one within this time (an expiry is checked at every request).
    /// </summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan TokenCacheDuration { get; init; } = HubDefaults.TokenCacheDuration;

    /// <summary>
    /// How long a stopping hub (SIGTERM, Ctrl+C) keeps serving with <c>Connection: close</c> on every answer
    /// and <c>/health</c> answering 503 before it stops listening; see <c>docs/hub.md</c> "Stopping".
    /// </summary>
    /// <value>Default: 1 second; 0 stops listening at once (no drain, and the listening sockets close as they are).</value>
    public TimeSpan ShutdownDrain { get; init; } = HubDefaults.ShutdownDrain;

    /// <summary>How many queued jobs the hub itself runs at once (<c>modelops serve --workers N</c>); 0: none, <c>modelops worker</c> processes run them.</summary>
    /// <value>Default: 0.</value>
    [Range(0, 64)]
    public int Workers { get; init; }

    /// <summary>The config language of queued jobs: what a submitted config is checked against, and what the hub's workers run.</summary>
    /// <value>Default: <see cref="Jobs.Jobs.JobKinds.Create"/> and <see cref="Connectors.FineTuning.HubJobKinds.AddConnectorJobs"/> (every job of <c>ModelOps.Jobs</c> and the LLM fine-tuning; the CLI adds the streaming jobs).</value>
    public Jobs.Configuration.ConfigKinds JobKinds { get; init; } = Connectors.FineTuning.HubJobKinds.AddConnectorJobs(Jobs.Jobs.JobKinds.Create());

    /// <summary>The clock of log timestamps; also given to the store when <see cref="Store"/> keeps its default clock.</summary>
    /// <value>Default: <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every option once.</summary>
    /// <exception cref="ArgumentException">Any option is out of range; the message lists every problem with the option's name.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        var context = new ValidationContext(this);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, context, results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)));
        }

        if (GuardrailInterval <= TimeSpan.Zero)
        {
            problems.Add($"The field {nameof(GuardrailInterval)} must be positive.");
        }

        if (RefreshInterval <= TimeSpan.Zero)
        {
            problems.Add($"The field {nameof(RefreshInterval)} must be positive.");
        }

        if (TokenCacheDuration < TimeSpan.Zero)
        {
            problems.Add($"The field {nameof(TokenCacheDuration)} must not be negative.");
        }

        if (ShutdownDrain < TimeSpan.Zero || ShutdownDrain > HubDefaults.MaxShutdownDrain)
        {
            problems.Add($"The field {nameof(ShutdownDrain)} must be between 0 and {HubDefaults.MaxShutdownDrain.TotalSeconds:0} seconds.");
        }

        if (string.IsNullOrWhiteSpace(Urls))
        {
            problems.Add($"The field {nameof(Urls)} must name at least one address.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid hub options: {string.Join(" ", problems)}");
        }
    }
}

/// <summary>The defaults of <see cref="HubOptions"/>, in one place.</summary>
public static class HubDefaults
{
    /// <summary><c>http://127.0.0.1:5080</c>.</summary>
    public const string Urls = "http://127.0.0.1:5080";

    /// <summary>1 MiB.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>64 MiB.</summary>
    public const long MaxImportBodyBytes = 64 * 1024 * 1024;

    /// <summary>1000 records.</summary>
    public const int MaxRecordsPerRequest = 1000;

    /// <summary>1,000,000 rows.</summary>
    public const int MaxExactAnalyticsRows = 1_000_000;

    /// <summary>4096 requests.</summary>
    public const int LogQueueCapacity = 4096;

    /// <summary>5000 rows.</summary>
    public const int LogMaxBatchRows = 5000;

    /// <summary>1 second.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>30 seconds.</summary>
    public static readonly TimeSpan GuardrailInterval = TimeSpan.FromSeconds(30);

    /// <summary>1 second.</summary>
    public static readonly TimeSpan TokenCacheDuration = TimeSpan.FromSeconds(1);

    /// <summary>1 second.</summary>
    public static readonly TimeSpan ShutdownDrain = TimeSpan.FromSeconds(1);

    /// <summary>20 seconds: a drain leaves 10 of the host's 30 seconds of shutdown time to the requests in flight.</summary>
    public static readonly TimeSpan MaxShutdownDrain = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The store options of a hub, for what a SQLite URL does not say: commits return once the
    /// write-ahead log is written (<c>synchronous=normal</c>: a 2xx answer's rows are committed and
    /// survive the server being killed; a power cut or kernel crash may lose the commits since the
    /// last background checkpoint, which syncs the log every 200 ms) and a store thread checkpoints
    /// (<c>checkpoint=background</c>), so no predict request waits for the disk. A database URL
    /// ending in <c>?synchronous=full</c> makes every commit wait for its <c>fsync</c>.
    /// </summary>
    /// <param name="progress">Told how far an upgrade on opening has come (<see cref="StoreOptions.Progress"/>), or <see langword="null"/>.</param>
    public static StoreOptions Store(Action<string>? progress = null) => new()
    {
        SqliteSynchronousNormal = true,
        SqliteCheckpointInterval = StoreDefaults.BackgroundCheckpointInterval,
        Progress = progress,
    };
}
