using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;
using Spectre.Console;

namespace ModelOps.Cli.Rendering;

/// <summary>Shows experiments, runs and registered models as tables, or as JSON for <c>--json</c>.</summary>
internal static class StoreViews
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void WriteJson(object value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
    }

    public static void Experiments(IAnsiConsole console, IReadOnlyList<Experiment> experiments)
    {
        if (experiments.Count == 0)
        {
            console.WriteLine("No experiments yet: every job run creates its experiment on first use.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("experiment", "runs", "last run", "created");
        foreach (var experiment in experiments)
        {
            table.AddRow(
                Markup.Escape(experiment.Name),
                experiment.RunCount.ToString(CultureInfo.InvariantCulture),
                Time(experiment.LastRunAt),
                Time(experiment.CreatedAt));
        }

        console.Write(table);
    }

    public static void Runs(IAnsiConsole console, IReadOnlyList<RunInfo> runs)
    {
        if (runs.Count == 0)
        {
            console.WriteLine("No runs yet.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("run id", "name", "experiment", "status", "started", "duration");
        foreach (var run in runs)
        {
            table.AddRow(
                run.Id,
                Markup.Escape(run.Name),
                Markup.Escape(run.Experiment),
                Status(run.Status),
                Time(run.StartedAt),
                run.EndedAt is { } ended ? Duration(ended - run.StartedAt) : string.Empty);
        }

        console.Write(table);
    }

    public static void Run(IAnsiConsole console, Run run)
    {
        var info = run.Info;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("run", $"[bold]{info.Id}[/] ({Markup.Escape(info.Name)})");
        grid.AddRow("experiment", Markup.Escape(info.Experiment));
        grid.AddRow("status", Status(info.Status));
        if (info.Error is { } error)
        {
            grid.AddRow("error", Markup.Escape($"{error.Kind}: {error.Message}"));
        }

        grid.AddRow("started", Time(info.StartedAt));
        grid.AddRow("ended", info.EndedAt is { } ended ? $"{Time(ended)} ({Duration(ended - info.StartedAt)})" : "-");
        grid.AddRow("description", Markup.Escape(info.Description ?? "-"));
        grid.AddRow("host", Markup.Escape($"{info.Host} (user {info.User})"));
        grid.AddRow("versions", Markup.Escape($"modelops {info.ModelOpsVersion}, {info.Runtime}"));
        console.Write(grid);
        Pairs(console, "tags", run.Tags);
        Pairs(console, "parameters", run.Parameters);
        if (run.Metrics.Count > 0)
        {
            var metrics = new Table().Border(TableBorder.Simple).Title("metrics (latest value)");
            metrics.AddColumns("metric", "value", "step", "logged");
            foreach (var metric in run.Metrics)
            {
                metrics.AddRow(Markup.Escape(metric.Key), Number(metric.Value), metric.Step.ToString(CultureInfo.InvariantCulture), Time(metric.Timestamp));
            }

            console.Write(metrics);
        }

        if (run.Datasets.Count > 0)
        {
            var datasets = new Table().Border(TableBorder.Simple).Title("data sets");
            datasets.AddColumns("name", "context", "rows", "columns", "source", "digest");
            foreach (var dataset in run.Datasets)
            {
                datasets.AddRow(
                    Markup.Escape(dataset.Name),
                    Markup.Escape(dataset.Context),
                    dataset.RowCount.ToString(CultureInfo.InvariantCulture),
                    dataset.ColumnCount.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(dataset.SourceUri ?? "-"),
                    Markup.Escape(dataset.Digest));
            }

            console.Write(datasets);
        }

        if (run.Artifacts.Count > 0)
        {
            var artifacts = new Table().Border(TableBorder.Simple).Title("artifacts");
            artifacts.AddColumns("path", "bytes", "sha256", "uri");
            foreach (var artifact in run.Artifacts)
            {
                artifacts.AddRow(
                    Markup.Escape(artifact.Path),
                    artifact.SizeBytes.ToString(CultureInfo.InvariantCulture),
                    artifact.Sha256[..12] + "…",
                    Markup.Escape(artifact.Uri));
            }

            console.Write(artifacts);
        }
    }

    public static void Models(IAnsiConsole console, IReadOnlyList<RegisteredModel> models)
    {
        if (models.Count == 0)
        {
            console.WriteLine("No registered models yet.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("model", "latest version", "aliases", "updated", "description");
        foreach (var model in models)
        {
            table.AddRow(
                Markup.Escape(model.Name),
                model.LatestVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(string.Join(", ", model.Aliases.Select(a => $"{a.Key} -> {a.Value}"))),
                Time(model.UpdatedAt),
                Markup.Escape(model.Description ?? string.Empty));
        }

        console.Write(table);
    }

    public static void Model(IAnsiConsole console, RegisteredModel model, IReadOnlyList<ModelVersion> versions, IReadOnlyList<ModelAlias> aliases, IReadOnlyList<AliasChange> history)
    {
        console.MarkupLineInterpolated($"[bold]{model.Name}[/]: {versions.Count} versions, created {Time(model.CreatedAt)}");
        if (model.Description is not null)
        {
            console.WriteLine(model.Description);
        }

        Pairs(console, "tags", model.Tags);
        var table = new Table().Border(TableBorder.Simple).Title("versions");
        table.AddColumns("version", "status", "aliases", "created", "run", "artifact");
        foreach (var version in versions)
        {
            table.AddRow(
                version.Version.ToString(CultureInfo.InvariantCulture),
                version.Status.ToName(),
                Markup.Escape(string.Join(", ", version.Aliases)),
                Time(version.CreatedAt),
                version.RunId ?? "-",
                Markup.Escape(version.ArtifactUri));
        }

        console.Write(table);
        if (aliases.Count > 0)
        {
            var aliasTable = new Table().Border(TableBorder.Simple).Title("aliases");
            aliasTable.AddColumns("alias", "version", "since");
            foreach (var alias in aliases)
            {
                aliasTable.AddRow(Markup.Escape(alias.Alias), alias.Version.ToString(CultureInfo.InvariantCulture), Time(alias.UpdatedAt));
            }

            console.Write(aliasTable);
        }

        if (history.Count > 0)
        {
            var historyTable = new Table().Border(TableBorder.Simple).Title("alias history");
            historyTable.AddColumns("time", "alias", "from", "to", "actor", "reason");
            foreach (var change in history)
            {
                historyTable.AddRow(
                    Time(change.ChangedAt),
                    Markup.Escape(change.Alias),
                    change.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    change.ToVersion?.ToString(CultureInfo.InvariantCulture) ?? "(removed)",
                    Markup.Escape(change.Actor),
                    Markup.Escape(change.Reason ?? string.Empty));
            }

            console.Write(historyTable);
        }
    }

    public static object ToJson(Experiment e) => new { e.Name, e.Id, e.CreatedAt, e.RunCount, e.LastRunAt };

    public static object ToJson(RunInfo r) => new
    {
        r.Id,
        r.Name,
        r.Experiment,
        Status = r.Status.ToName(),
        r.StartedAt,
        r.EndedAt,
        r.Description,
        r.Host,
        r.User,
        r.ModelOpsVersion,
        r.Runtime,
        r.Error,
    };

    public static object ToJson(Run run) => new
    {
        Info = ToJson(run.Info),
        run.Tags,
        run.Parameters,
        run.Metrics,
        run.Datasets,
        run.Artifacts,
    };

    public static object ToJson(RegisteredModel m) => new { m.Name, m.Description, m.LatestVersion, m.Aliases, m.Tags, m.CreatedAt, m.UpdatedAt };

    public static object ToJson(RegisteredModel model, IReadOnlyList<ModelVersion> versions, IReadOnlyList<ModelAlias> aliases, IReadOnlyList<AliasChange> history) => new
    {
        Model = ToJson(model),
        Versions = versions.Select(v => new
        {
            v.Version,
            Status = v.Status.ToName(),
            v.RunId,
            v.ArtifactUri,

            // The signature is JSON: shown as the object it is, not as a string holding it.
            Signature = v.Signature is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(v.Signature),
            v.Description,
            v.CreatedAt,
            v.Tags,
            v.Aliases,
        }),
        Aliases = aliases.Select(a => new { a.Alias, a.Version, a.UpdatedAt }),
        AliasHistory = history.Select(h => new { h.Sequence, h.Alias, h.FromVersion, h.ToVersion, h.Actor, h.Reason, h.ChangedAt }),
    };

    private static void Pairs(IAnsiConsole console, string title, IReadOnlyDictionary<string, string> pairs)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).Title(title);
        table.AddColumns("key", "value");
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        console.Write(table);
    }

    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Finished => "[green]FINISHED[/]",
        RunStatus.Failed => "[red]FAILED[/]",
        _ => "[yellow]RUNNING[/]",
    };

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    private static string Duration(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? duration.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : duration.TotalSeconds >= 1 ? duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s" : duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
