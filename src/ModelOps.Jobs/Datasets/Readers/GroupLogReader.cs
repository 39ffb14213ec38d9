using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ModelOps.Core.Data;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Jobs.Datasets.Readers;

/// <summary>
/// Reads a model group's decision log (<c>KIND: GroupLogReader</c>): the records its models scored whose label arrived
/// through feedback, one row per record, oldest first: the record's inputs as columns (typed as JSON lines are) and the
/// label as column <see cref="LabelColumn"/>. A job reads it from its own store (the job's tracking database), or from
/// <see cref="Database"/> when set. By default only the served rows (champion and challengers) are read, so a record a
/// shadow scored too is read once.
/// </summary>
public sealed record GroupLogReader : DatasetReader
{
    /// <summary>The most rows a page of the log holds; the reader pages through the window.</summary>
    private const int Page = 1000;

    /// <summary>The model group whose log is read.</summary>
    public required string Group { get; init; }

    /// <summary>The first time read (ISO 8601, UTC when no offset: <c>2026-12-01</c>, <c>2026-12-01T08:00:00Z</c>).</summary>
    /// <value>Default <see langword="null"/>: from the first row.</value>
    public string? From { get; init; }

    /// <summary>The end of the window, not included (ISO 8601).</summary>
    /// <value>Default <see langword="null"/>: up to now.</value>
    public string? To { get; init; }

    /// <summary>The roles whose rows are read: <c>champion</c>, <c>challenger</c>, <c>shadow</c>.</summary>
    /// <value>Default <see langword="null"/>: champion and challenger (the served rows).</value>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>The name of the label column.</summary>
    /// <value>Default <c>label</c>.</value>
    public string LabelColumn { get; init; } = "label";

    /// <summary>The store to read (a SQLite path or a <c>postgresql://</c> URL).</summary>
    /// <value>Default <see langword="null"/>: the job's own store (outside a job, <c>MODELOPS_DATABASE_URL</c> or <c>.modelops/modelops.db</c>).</value>
    public string? Database { get; init; }

    /// <inheritdoc/>
    /// <remarks>Outside a job: opens <see cref="Database"/> (or the default store) for the read.</remarks>
    public override async Task<DatasetRead> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid();
        await using var store = await StoreFactory.OpenAsync(Database, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ReadAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the log from <paramref name="jobStore"/> (a job's own store), unless <see cref="Database"/> names another.</summary>
    /// <exception cref="DatasetException">No labelled row in the window, or an input named like the label column.</exception>
    /// <exception cref="StoreException">No such group, or the store cannot be read.</exception>
    public override async Task<DatasetRead> ReadAsync(IModelStore jobStore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobStore);
        var store = jobStore;
        if (Database is not null)
        {
            return await ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        ThrowIfInvalid();
        var query = new InferenceQuery
        {
            From = Time(From),
            To = Time(To),
            Roles = [.. (Roles ?? ["champion", "challenger"]).Select(r => GroupNames.TryParseRole(r, out var role) ? role : GroupRole.Champion)],
            Labelled = true,
            Limit = Page,
        };
        var rows = new List<InferenceRow>();
        var seen = new HashSet<(string, int)>();
        long? before = null;
        do
        {
            var page = await store.InferenceLog.QueryInferencesAsync(Group, query with { Before = before }, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Rows)
            {
                // A record scored by several of the roles read (a shadow too) is read once.
                if (seen.Add((row.Record.RequestId, row.Record.RecordIndex)))
                {
                    rows.Add(row);
                }
            }

            before = page.NextCursor;
        }
        while (before is not null && (Limit is not { } limit || rows.Count < limit));

        var source = SourceUri();
        if (rows.Count == 0)
        {
            throw new DatasetException($"{source}: no labelled rows{(From is null && To is null ? string.Empty : " in the window")}; labels arrive through feedback (POST /api/groups/{Group}/feedback)");
        }

        rows.Reverse();
        if (RowLimit is { } take && rows.Count > take)
        {
            rows.RemoveRange(take, rows.Count - take);
        }

        var frame = ToFrame(rows, source, cancellationToken);
        return ApplySchema(new DatasetRead(frame, source, ContentDigest.Of(frame, cancellationToken)) { PlaceOf = row => $"row {row + 1} (request {rows[row].Record.RequestId}, record {rows[row].Record.RecordIndex})" }, source);
    }

    /// <inheritdoc/>
    protected override void CollectProblems(List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(Group))
        {
            problems.Add("group: must name a model group");
        }

        foreach (var (name, value) in new[] { ("from", From), ("to", To) })
        {
            if (value is not null && ParseTime(value) is null)
            {
                problems.Add($"{name}: '{value}' is not an ISO 8601 time (2026-12-01 or 2026-12-01T08:00:00Z)");
            }
        }

        foreach (var role in Roles ?? [])
        {
            if (!GroupNames.TryParseRole(role, out _))
            {
                problems.Add($"roles: '{role}' is not a role (champion, challenger, shadow)");
            }
        }

        if (string.IsNullOrWhiteSpace(LabelColumn))
        {
            problems.Add("label_column: must not be empty");
        }
    }

    private string SourceUri() => $"modelops-group:{Group}" + (From is null && To is null ? string.Empty : $"?from={From}&to={To}");

    // The rows as JSON lines (inputs plus the label), read the way JSON lines are, so the columns are typed alike.
    private Frame ToFrame(List<InferenceRow> rows, string source, CancellationToken cancellationToken)
    {
        using var lines = new MemoryStream();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (JsonNode.Parse(row.Record.Inputs) is not JsonObject inputs)
            {
                throw new DatasetException($"{source} row {i + 1} (request {row.Record.RequestId}): the logged inputs are not a JSON object");
            }

            if (inputs.ContainsKey(LabelColumn))
            {
                throw new DatasetException($"{source}: the inputs have a column '{LabelColumn}', the name of the label column; name the label otherwise with label_column");
            }

            inputs[LabelColumn] = row.Label!.Value;
            lines.Write(Encoding.UTF8.GetBytes(inputs.ToJsonString()));
            lines.WriteByte((byte)'\n');
        }

        lines.Position = 0;
        return Dataset.ReadJsonLines(lines, cancellationToken: cancellationToken);
    }

    private static DateTimeOffset? Time(string? text) => text is null ? null : ParseTime(text);

    private static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
}
