using System.Globalization;
using ModelOps.Core.Metrics;
using ModelOps.Store;
using ModelOps.Store.Registry;

namespace ModelOps.Hub.Registry;

/// <summary>
/// The registry as a person browses it: each model with its versions, aliases, last change and the key metric
/// of its Champion. One service for the API (<c>GET /api/model-summaries</c>) and the UI's models page.
/// </summary>
internal sealed class ModelCatalog(IModelStore store)
{
    /// <summary>The alias whose version a model is judged by.</summary>
    public const string ChampionAlias = "Champion";

    /// <summary>Every model whose name or description contains <paramref name="search"/> (ignoring case), by name.</summary>
    public async Task<IReadOnlyList<ModelSummary>> ListAsync(string? search, CancellationToken cancellationToken)
    {
        var models = await store.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new List<ModelSummary>(models.Count);
        foreach (var model in models.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            if (!string.IsNullOrWhiteSpace(search)
                && !model.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                && model.Description?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) != true)
            {
                continue;
            }

            KeyMetric? key = null;
            int? champion = model.Aliases.TryGetValue(ChampionAlias, out var number) ? number : null;
            if (champion is { } version)
            {
                key = KeyMetricOf(await store.GetVersionAsync(model.Name, version, cancellationToken).ConfigureAwait(false));
            }

            summaries.Add(new ModelSummary(model.Name, model.Description, model.LatestVersion ?? 0, model.Aliases, model.UpdatedAt, champion, key));
        }

        return summaries;
    }

    /// <summary>The primary metric a version was registered with (its task's: rmse or roc_auc), when it has one.</summary>
    public static KeyMetric? KeyMetricOf(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (MetricCatalog.PrimaryAmong(version.Tags.Keys) is not { } metric)
        {
            return null;
        }

        var text = version.Tags.First(t => t.Key.Equals(metric.Name, StringComparison.OrdinalIgnoreCase)).Value;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? new KeyMetric(metric.Name, value, metric.GreaterIsBetter)
            : null;
    }
}

/// <summary>One model as the models list shows it.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Description">Its description, or <see langword="null"/>.</param>
/// <param name="Versions">How many versions it has (the latest number).</param>
/// <param name="Aliases">Its aliases and the versions they point at.</param>
/// <param name="UpdatedAt">When it last changed: a version registered or an alias moved (UTC).</param>
/// <param name="ChampionVersion">The version its <c>Champion</c> alias points at, or <see langword="null"/>.</param>
/// <param name="ChampionMetric">The Champion's key metric from its registration, or <see langword="null"/>.</param>
public sealed record ModelSummary(
    string Name,
    string? Description,
    int Versions,
    IReadOnlyDictionary<string, int> Aliases,
    DateTimeOffset UpdatedAt,
    int? ChampionVersion,
    KeyMetric? ChampionMetric);

/// <summary>A model's key figure.</summary>
/// <param name="Name">The metric name (<c>rmse</c>, <c>roc_auc</c>).</param>
/// <param name="Value">Its value on the test part of the training run.</param>
/// <param name="GreaterIsBetter">Whether a larger value is better.</param>
public sealed record KeyMetric(string Name, double Value, bool GreaterIsBetter);
