using System.Data.Common;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ModelOps.Store.Artifacts;
using ModelOps.Store.Tracking;

namespace ModelOps.Store.Sql;

internal sealed partial class SqlStore
{
    private const string ExperimentSelect = """
        SELECT e.id, e.name, e.created_at, COUNT(r.id), MAX(r.started_at)
        FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id
        """;

    private const string ExperimentGroup = " GROUP BY e.id, e.name, e.created_at";

    private const string RunSelect = """
        SELECT r.id, r.name, e.name, r.status, r.started_at, r.ended_at, r.description,
               r.host, r.user_name, r.modelops_version, r.runtime, r.error_kind, r.error_message
        FROM runs r JOIN experiments e ON e.id = r.experiment_id
        """;

    private static readonly string Host = Environment.MachineName;

    private static readonly string ModelOpsVersion =
        typeof(SqlStore).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly string Runtime = $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription}";

    public async Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        Names.Experiment(name);
        return await WriteAsync(async (connection, transaction) =>
        {
            await EnsureExperimentAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false);
            return (await FindExperimentAsync(connection, transaction, name, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Experiment> GetExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await ReadAsync(async connection =>
            await FindExperimentAsync(connection, null, name, cancellationToken).ConfigureAwait(false)
            ?? throw await ExperimentNotFoundAsync(connection, null, name, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection => await QueryAsync(
            connection, null, ExperimentSelect + ExperimentGroup + " ORDER BY e.name", ReadExperiment, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    public async Task<RunInfo> StartRunAsync(string experiment, RunStart? start = null, CancellationToken cancellationToken = default)
    {
        Names.Experiment(experiment);
        start ??= new RunStart();
        ValidateKeys(start.Tags, "tag");
        var now = Now();
        var id = Guid.CreateVersion7(now).ToString("N");
        var name = string.IsNullOrWhiteSpace(start.Name) ? "run-" + id[^8..] : start.Name;
        return await WriteAsync(async (connection, transaction) =>
        {
            var experimentId = await EnsureExperimentAsync(connection, transaction, experiment, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO runs (id, experiment_id, name, status, started_at, description, host, user_name, modelops_version, runtime)
                VALUES (@id, @experiment, @name, @status, @started, @description, @host, @user, @version, @runtime)
                """, cancellationToken,
                ("@id", id), ("@experiment", experimentId), ("@name", name), ("@status", RunStatus.Running.ToName()),
                ("@started", now), ("@description", start.Description), ("@host", Host), ("@user", Environment.UserName),
                ("@version", ModelOpsVersion), ("@runtime", Runtime)).ConfigureAwait(false);
            await UpsertRunTagsAsync(connection, transaction, id, start.Tags, cancellationToken).ConfigureAwait(false);
            return new RunInfo(id, name, experiment, RunStatus.Running, now, null, start.Description, Host, Environment.UserName, ModelOpsVersion, Runtime);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunInfo> EndRunAsync(string runId, RunStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (status == RunStatus.Running)
        {
            throw new ArgumentException("A run ends as FINISHED or FAILED.", nameof(status));
        }

        return await EndAsync(runId, status, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RunInfo> FailRunAsync(string runId, RunError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentException.ThrowIfNullOrWhiteSpace(error.Kind);
        ArgumentNullException.ThrowIfNull(error.Message);
        return await EndAsync(runId, RunStatus.Failed, error, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunInfo> EndAsync(string runId, RunStatus status, RunError? error, CancellationToken cancellationToken)
    {
        return await WriteAsync(async (connection, transaction) =>
        {
            var info = await FindRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false)
                ?? throw await RunNotFoundAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
            if (info.Status != RunStatus.Running)
            {
                throw new StoreException(StoreErrorKind.Conflict, $"run '{runId}' has already ended ({info.Status.ToName()})");
            }

            var now = Now();
            await ExecuteAsync(connection, transaction, """
                UPDATE runs SET status = @status, ended_at = @ended, error_kind = @kind, error_message = @message WHERE id = @id
                """, cancellationToken,
                ("@status", status.ToName()), ("@ended", now), ("@kind", error?.Kind), ("@message", error?.Message), ("@id", runId)).ConfigureAwait(false);
            return info with { Status = status, EndedAt = now, Error = error };
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return await ReadAsync(async connection =>
        {
            var info = await FindRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false)
                ?? throw await RunNotFoundAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
            var tags = await PairsAsync(connection, null, "SELECT key, value FROM run_tags WHERE run_id = @id ORDER BY key", cancellationToken, ("@id", runId)).ConfigureAwait(false);
            var parameters = await PairsAsync(connection, null, "SELECT key, value FROM run_params WHERE run_id = @id ORDER BY key", cancellationToken, ("@id", runId)).ConfigureAwait(false);
            var metrics = await QueryAsync(connection, null, """
                SELECT key, value, step, logged_at FROM (
                    SELECT key, value, step, logged_at,
                           ROW_NUMBER() OVER (PARTITION BY key ORDER BY step DESC, logged_at DESC, id DESC) AS position
                    FROM run_metrics WHERE run_id = @id) latest
                WHERE position = 1 ORDER BY key
                """, ReadMetric, cancellationToken, ("@id", runId)).ConfigureAwait(false);
            var datasets = await QueryAsync(connection, null, """
                SELECT name, context, source_uri, digest, row_count, column_count, columns_json
                FROM run_datasets WHERE run_id = @id ORDER BY id
                """, ReadDataset, cancellationToken, ("@id", runId)).ConfigureAwait(false);
            var artifacts = await QueryAsync(connection, null, """
                SELECT run_id, path, uri, size_bytes, sha256, logged_at FROM run_artifacts WHERE run_id = @id ORDER BY path
                """, ReadArtifact, cancellationToken, ("@id", runId)).ConfigureAwait(false);
            return new Run(info, tags, parameters, metrics, datasets, artifacts);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync(string? experiment = null, CancellationToken cancellationToken = default) =>
        await ReadAsync(async connection =>
        {
            if (experiment is null)
            {
                return await QueryAsync(connection, null, RunSelect + " ORDER BY r.started_at DESC, r.id DESC", ReadRun, cancellationToken).ConfigureAwait(false);
            }

            if (await FindExperimentAsync(connection, null, experiment, cancellationToken).ConfigureAwait(false) is null)
            {
                throw await ExperimentNotFoundAsync(connection, null, experiment, cancellationToken).ConfigureAwait(false);
            }

            return await QueryAsync(connection, null, RunSelect + " WHERE e.name = @experiment ORDER BY r.started_at DESC, r.id DESC",
                ReadRun, cancellationToken, ("@experiment", experiment)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

    public async Task<RunSearchPage> SearchRunsAsync(RunSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.Limit is < 1 or > RunSearch.MaxLimit || search.Offset < 0)
        {
            throw new StoreException(StoreErrorKind.Invalid, string.Create(CultureInfo.InvariantCulture, $"page: limit must be 1 to {RunSearch.MaxLimit} and offset at least 0, not limit {search.Limit} and offset {search.Offset}"));
        }

        var filter = RunFilter.Parse(search.Filter);
        var parameters = new List<(string Name, object? Value)>();
        var where = new StringBuilder(" WHERE 1 = 1");
        if (search.Experiment is { } experiment)
        {
            where.Append(" AND e.name = @experiment");
            parameters.Add(("@experiment", experiment));
        }

        for (var i = 0; i < filter.Conditions.Count; i++)
        {
            where.Append(" AND ").Append(ConditionSql(filter.Conditions[i], i, parameters));
        }

        var order = OrderSql(search.OrderBy, parameters);
        return await ReadAsync(async connection =>
        {
            if (search.Experiment is { } name && await FindExperimentAsync(connection, null, name, cancellationToken).ConfigureAwait(false) is null)
            {
                throw await ExperimentNotFoundAsync(connection, null, name, cancellationToken).ConfigureAwait(false);
            }

            var all = parameters.ToArray();
            var total = ToLong(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id" + where, cancellationToken, all).ConfigureAwait(false));
            var runs = await QueryAsync(connection, null, string.Create(CultureInfo.InvariantCulture, $"{RunSelect}{where} ORDER BY {order} LIMIT {search.Limit} OFFSET {search.Offset}"), ReadRun, cancellationToken, all).ConfigureAwait(false);
            if (runs.Count == 0)
            {
                return new RunSearchPage([], (int)total, search.Offset, search.Limit);
            }

            var ids = runs.Select((r, i) => ($"@r{i}", (object?)r.Id)).ToArray();
            var list = string.Join(", ", ids.Select(p => p.Item1));
            var tags = await QueryAsync(connection, null, $"SELECT run_id, key, value FROM run_tags WHERE run_id IN ({list})", r => (r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, ids).ConfigureAwait(false);
            var values = await QueryAsync(connection, null, $"SELECT run_id, key, value FROM run_params WHERE run_id IN ({list})", r => (r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, ids).ConfigureAwait(false);
            var metrics = await QueryAsync(connection, null, $"""
                SELECT run_id, key, value FROM (
                    SELECT run_id, key, value, ROW_NUMBER() OVER (PARTITION BY run_id, key ORDER BY step DESC, logged_at DESC, id DESC) AS position
                    FROM run_metrics WHERE run_id IN ({list})) latest
                WHERE position = 1
                """, r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? double.NaN : r.GetDouble(2)), cancellationToken, ids).ConfigureAwait(false);
            var summaries = runs.Select(run => new RunSummary(
                run,
                ByKey(tags.Where(t => t.Item1 == run.Id).Select(t => (t.Item2, t.Item3))),
                ByKey(values.Where(t => t.Item1 == run.Id).Select(t => (t.Item2, t.Item3))),
                ByKey(metrics.Where(t => t.Item1 == run.Id).Select(t => (t.Item2, t.Item3))))).ToList();
            return new RunSearchPage(summaries, (int)total, search.Offset, search.Limit);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static SortedDictionary<string, T> ByKey<T>(IEnumerable<(string Key, T Value)> pairs)
    {
        var result = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            result[key] = value;
        }

        return result;
    }

    // The latest value of a metric of run r: the highest step, then the latest logged.
    private static string LatestMetricSql(string keyParameter) =>
        $"(SELECT m.value FROM run_metrics m WHERE m.run_id = r.id AND m.key = {keyParameter} ORDER BY m.step DESC, m.logged_at DESC, m.id DESC LIMIT 1)";

    private string ConditionSql(RunCondition condition, int index, List<(string Name, object? Value)> parameters)
    {
        var key = $"@k{index}";
        var value = $"@v{index}";
        parameters.Add((key, condition.Key));
        var op = condition.Operator switch
        {
            RunOperator.Equal => "=",
            RunOperator.NotEqual => "<>",
            RunOperator.Less => "<",
            RunOperator.LessOrEqual => "<=",
            RunOperator.Greater => ">",
            RunOperator.GreaterOrEqual => ">=",
            _ => "LIKE",
        };
        if (condition.Operator == RunOperator.Contains)
        {
            parameters.Add((value, SqlDialect.ContainsPattern(condition.Value)));
        }
        else
        {
            parameters.Add((value, condition.Field == RunField.Metric ? condition.Number : condition.Value));
        }

        string Compare(string column) => condition.Operator == RunOperator.Contains ? _dialect.LikeIgnoringCase(column, value) : $"{column} {op} {value}";
        return condition.Field switch
        {
            RunField.Name => Compare("r.name"),
            RunField.Status => Compare("r.status"),
            RunField.Metric => $"{LatestMetricSql(key)} {op} {value}",
            RunField.Parameter => condition.Operator == RunOperator.NotEqual
                ? $"NOT EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.id AND p.key = {key} AND p.value = {value})"
                : $"EXISTS (SELECT 1 FROM run_params p WHERE p.run_id = r.id AND p.key = {key} AND {Compare("p.value")})",
            _ => condition.Operator == RunOperator.NotEqual
                ? $"NOT EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = {key} AND t.value = {value})"
                : $"EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.key = {key} AND {Compare("t.value")})",
        };
    }

    private static string OrderSql(string? orderBy, List<(string Name, object? Value)> parameters)
    {
        const string Ties = "r.started_at DESC, r.id DESC";
        var parts = (orderBy ?? "started desc").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var direction = parts.Length switch
        {
            1 => "ASC",
            2 when parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase) => "ASC",
            2 when parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase) => "DESC",
            _ => throw new StoreException(StoreErrorKind.Invalid, $"order: expected a field and asc or desc (started desc, metrics.rmse asc), not '{orderBy}'"),
        };
        var field = parts[0];
        string Sorted(string expression) => $"{expression} IS NULL, {expression} {direction}, {Ties}";
        if (field.StartsWith("metrics.", StringComparison.OrdinalIgnoreCase) && field.Length > 8)
        {
            parameters.Add(("@order", field[8..]));
            return Sorted(LatestMetricSql("@order"));
        }

        if (field.StartsWith("params.", StringComparison.OrdinalIgnoreCase) && field.Length > 7)
        {
            parameters.Add(("@order", field[7..]));
            return Sorted("(SELECT p.value FROM run_params p WHERE p.run_id = r.id AND p.key = @order)");
        }

        return field.ToLowerInvariant() switch
        {
            "started" => $"r.started_at {direction}, r.id {direction}",
            "ended" => Sorted("r.ended_at"),
            "name" => Sorted("LOWER(r.name)"),
            "status" => Sorted("r.status"),
            _ => throw new StoreException(StoreErrorKind.Invalid, $"order: unknown field '{field}'; order by started, ended, name, status, metrics.KEY or params.KEY"),
        };
    }

    public async Task SetRunTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ValidateKeys(tags, "tag");
        await WriteAsync(async (connection, transaction) =>
        {
            await RequireRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
            await UpsertRunTagsAsync(connection, transaction, runId, tags, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task LogParametersAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ValidateKeys(parameters, "parameter");
        await WriteAsync(async (connection, transaction) =>
        {
            await RequireRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
            var existing = await PairsAsync(connection, transaction, "SELECT key, value FROM run_params WHERE run_id = @id", cancellationToken, ("@id", runId)).ConfigureAwait(false);
            foreach (var (key, value) in parameters)
            {
                if (existing.TryGetValue(key, out var old))
                {
                    if (old != value)
                    {
                        throw new StoreException(
                            StoreErrorKind.Conflict,
                            $"parameter '{key}' of run '{runId}' is already '{old}'; parameters are write-once, so it cannot become '{value}'");
                    }

                    continue;
                }

                await ExecuteAsync(connection, transaction, "INSERT INTO run_params (run_id, key, value) VALUES (@id, @key, @value)", cancellationToken,
                    ("@id", runId), ("@key", key), ("@value", value)).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task LogMetricAsync(string runId, string key, double value, long step = 0, CancellationToken cancellationToken = default) =>
        LogMetricsAsync(runId, [new MetricPoint(key, value, step, Now())], cancellationToken);

    public async Task LogMetricsAsync(string runId, IReadOnlyList<MetricPoint> metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var metric in metrics)
        {
            ArgumentNullException.ThrowIfNull(metric);
            Names.Key(metric.Key, "metric name");
        }

        await WriteAsync(async (connection, transaction) =>
        {
            await RequireRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
            await _dialect.InsertMetricsAsync(connection, transaction, runId, metrics, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await ReadAsync(async connection =>
        {
            await RequireRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
            var points = await QueryAsync(connection, null,
                "SELECT key, value, step, logged_at FROM run_metrics WHERE run_id = @id AND key = @key ORDER BY step, logged_at, id",
                ReadMetric, cancellationToken, ("@id", runId), ("@key", key)).ConfigureAwait(false);
            if (points.Count == 0)
            {
                var keys = await StringsAsync(connection, null, "SELECT DISTINCT key FROM run_metrics WHERE run_id = @id ORDER BY key", cancellationToken, ("@id", runId)).ConfigureAwait(false);
                throw NotFound.Error($"metric '{key}' of run '{runId}'", key, keys, "its metrics are", "the run has no metrics");
            }

            return points;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task LogDatasetAsync(string runId, DatasetLineage dataset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Names.Key(dataset.Name, "data set name");
        Names.Key(dataset.Context, "data set context");
        ArgumentNullException.ThrowIfNull(dataset.Digest);
        ArgumentNullException.ThrowIfNull(dataset.Columns);
        var columns = JsonSerializer.Serialize(dataset.Columns.Select(c => new Dictionary<string, string> { ["name"] = c.Name, ["type"] = c.Type }));
        await WriteAsync(async (connection, transaction) =>
        {
            await RequireRunAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, """
                INSERT INTO run_datasets (run_id, name, context, source_uri, digest, row_count, column_count, columns_json, logged_at)
                VALUES (@run, @name, @context, @source, @digest, @rows, @columns, @json, @at)
                """, cancellationToken,
                ("@run", runId), ("@name", dataset.Name), ("@context", dataset.Context), ("@source", dataset.SourceUri),
                ("@digest", dataset.Digest), ("@rows", dataset.RowCount), ("@columns", dataset.ColumnCount), ("@json", columns), ("@at", Now())).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ArtifactRecord> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(content);
        var normalized = Names.ArtifactPath(path);
        await ReadAsync(async connection =>
        {
            await RequireRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);

        // The content is complete (a file written then renamed, or a committed row of the database's
        // artifact store) before its record is committed, so a record never points at a partial
        // file; a failure between the two leaves only unrecorded content.
        var stored = await Artifacts.PutAsync(runId, normalized, content, cancellationToken).ConfigureAwait(false);
        var record = new ArtifactRecord(runId, normalized, stored.Uri, stored.SizeBytes, stored.Sha256, Now());
        await WriteAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO run_artifacts (run_id, path, uri, size_bytes, sha256, logged_at) VALUES (@run, @path, @uri, @size, @sha, @at)
                ON CONFLICT (run_id, path) DO UPDATE SET uri = excluded.uri, size_bytes = excluded.size_bytes, sha256 = excluded.sha256, logged_at = excluded.logged_at
                """, cancellationToken,
                ("@run", runId), ("@path", normalized), ("@uri", record.Uri), ("@size", record.SizeBytes), ("@sha", record.Sha256), ("@at", record.LoggedAt)).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return record;
    }

    public async Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.Replace('\\', '/');
        var uri = await ReadAsync(async connection =>
        {
            await RequireRunAsync(connection, null, runId, cancellationToken).ConfigureAwait(false);
            var found = await ScalarAsync(connection, null, "SELECT uri FROM run_artifacts WHERE run_id = @run AND path = @path", cancellationToken,
                ("@run", runId), ("@path", normalized)).ConfigureAwait(false);
            if (found is string text)
            {
                return text;
            }

            var paths = await StringsAsync(connection, null, "SELECT path FROM run_artifacts WHERE run_id = @run ORDER BY path", cancellationToken, ("@run", runId)).ConfigureAwait(false);
            throw NotFound.Error($"artifact '{path}' of run '{runId}'", normalized, paths, "its artifacts are", "the run has no artifacts");
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Artifacts.OpenAsync(uri, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StoreException(StoreErrorKind.NotFound, $"artifact '{normalized}' of run '{runId}' is recorded at {uri} but its content is gone", error);
        }
    }

    private async Task<long> EnsureExperimentAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "INSERT INTO experiments (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING", cancellationToken,
            ("@name", name), ("@now", Now())).ConfigureAwait(false);
        return ToLong(await ScalarAsync(connection, transaction, "SELECT id FROM experiments WHERE name = @name", cancellationToken, ("@name", name)).ConfigureAwait(false));
    }

    private async Task<Experiment?> FindExperimentAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(connection, transaction, ExperimentSelect + " WHERE e.name = @name" + ExperimentGroup, ReadExperiment, cancellationToken, ("@name", name)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private async Task<StoreException> ExperimentNotFoundAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken)
    {
        var names = await StringsAsync(connection, transaction, "SELECT name FROM experiments ORDER BY name", cancellationToken).ConfigureAwait(false);
        return NotFound.Error($"experiment '{name}'", name, names, "experiments are", "there are no experiments");
    }

    private async Task<RunInfo?> FindRunAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(connection, transaction, RunSelect + " WHERE r.id = @id", ReadRun, cancellationToken, ("@id", runId)).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    private async Task RequireRunAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (await ScalarAsync(connection, transaction, "SELECT 1 FROM runs WHERE id = @id", cancellationToken, ("@id", runId)).ConfigureAwait(false) is null)
        {
            throw await RunNotFoundAsync(connection, transaction, runId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<StoreException> RunNotFoundAsync(DbConnection connection, DbTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        // Runs are many: list the latest ones and those sharing the id's first characters.
        var prefix = runId.Length >= 4 ? runId[..4] : runId;
        var ids = await StringsAsync(connection, transaction, """
            SELECT id FROM runs WHERE id LIKE @prefix
            UNION SELECT id FROM (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 5) latest
            """, cancellationToken, ("@prefix", prefix.Replace("%", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal) + "%")).ConfigureAwait(false);
        ids.Sort(StringComparer.Ordinal);
        ids.Reverse();
        return NotFound.Error($"run '{runId}'", runId, ids, "runs nearby are", "there are no runs");
    }

    private async Task UpsertRunTagsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        if (tags is null)
        {
            return;
        }

        foreach (var (key, value) in tags)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO run_tags (run_id, key, value) VALUES (@run, @key, @value)
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value
                """, cancellationToken, ("@run", runId), ("@key", key), ("@value", value)).ConfigureAwait(false);
        }
    }

    private static void ValidateKeys(IReadOnlyDictionary<string, string>? pairs, string what)
    {
        if (pairs is null)
        {
            return;
        }

        foreach (var (key, value) in pairs)
        {
            Names.Key(key, what + " name");
            ArgumentNullException.ThrowIfNull(value, $"{what} '{key}'");
        }
    }

    private Experiment ReadExperiment(DbDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), _dialect.ReadTimestamp(reader, 2), (int)reader.GetInt64(3), NullableTimestamp(reader, 4));

    private RunInfo ReadRun(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        RunStatusNames.Parse(reader.GetString(3)),
        _dialect.ReadTimestamp(reader, 4),
        NullableTimestamp(reader, 5),
        NullableString(reader, 6),
        reader.GetString(7),
        reader.GetString(8),
        reader.GetString(9),
        reader.GetString(10))
    {
        Error = reader.IsDBNull(11) ? null : new RunError(reader.GetString(11), NullableString(reader, 12) ?? string.Empty),
    };

    private MetricPoint ReadMetric(DbDataReader reader) => new(
        reader.GetString(0), reader.IsDBNull(1) ? double.NaN : reader.GetDouble(1), reader.GetInt64(2), _dialect.ReadTimestamp(reader, 3));

    private static DatasetLineage ReadDataset(DbDataReader reader)
    {
        using var json = JsonDocument.Parse(reader.GetString(6));
        var columns = new List<DatasetColumn>(json.RootElement.GetArrayLength());
        foreach (var column in json.RootElement.EnumerateArray())
        {
            columns.Add(new DatasetColumn(column.GetProperty("name").GetString()!, column.GetProperty("type").GetString()!));
        }

        return new DatasetLineage(
            reader.GetString(0), reader.GetString(1), NullableString(reader, 2), reader.GetString(3), reader.GetInt64(4), reader.GetInt32(5), columns);
    }

    private ArtifactRecord ReadArtifact(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), _dialect.ReadTimestamp(reader, 5));
}
