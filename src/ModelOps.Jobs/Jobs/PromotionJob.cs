using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOps.Store;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// Points an alias (<c>Champion</c> by default) of a registered model at a version (the latest by
/// default). The registry keeps the move in the alias's append-only history with the actor and reason.
/// </summary>
public sealed record PromotionJob : Job
{
    /// <summary>The kind name.</summary>
    public const string KindName = "PromotionJob";

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The version to promote; the latest when not set.</summary>
    public int? Version { get; init; }

    /// <summary>The alias to move.</summary>
    public string Alias { get; init; } = StoreDefaults.Alias;

    /// <summary>Why, kept in the alias history.</summary>
    public string? Reason { get; init; }

    /// <inheritdoc />
    public override async Task<JobResult> RunAsync(JobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var version = Version is { } number
            ? await context.Store.GetVersionAsync(ModelName, number, context.CancellationToken).ConfigureAwait(false)
            : await context.Store.GetLatestVersionAsync(ModelName, context.CancellationToken).ConfigureAwait(false);
        var change = await context.Store.SetAliasAsync(ModelName, Alias, version.Version, Reason ?? $"{KindName} run {context.RunId}", cancellationToken: context.CancellationToken).ConfigureAwait(false);
        context.Logger.LogInformation("{Model} @{Alias}: version {From} -> {To}", ModelName, Alias, change.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "none", version.Version);
        await context.Store.LogParametersAsync(context.RunId, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = ModelName,
            ["alias"] = Alias,
            ["version"] = version.Version.ToString(CultureInfo.InvariantCulture),
        }, context.CancellationToken).ConfigureAwait(false);
        return new PromotionResult { ModelName = ModelName, Version = version.Version, Alias = Alias, PreviousVersion = change.FromVersion };
    }
}

/// <summary>What a <see cref="PromotionJob"/> moved.</summary>
public sealed record PromotionResult : JobResult
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; init; }

    /// <summary>The version the alias points at now.</summary>
    public required int Version { get; init; }

    /// <summary>The alias.</summary>
    public required string Alias { get; init; }

    /// <summary>The version the alias pointed at before; null when it is new.</summary>
    public int? PreviousVersion { get; init; }

    /// <inheritdoc />
    public override string Summary => string.Create(
        CultureInfo.InvariantCulture,
        $"{ModelName} version {Version} @ {Alias}{(PreviousVersion is { } previous ? $" (was version {previous})" : " (new alias)")}");
}
