using System.Text.Json;
using ModelOps.Store;
using ModelOps.Store.Artifacts;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Hub.Registry;

/// <summary>
/// A model's versions as the Versions tab shows them, from the API's registry endpoints' data: each version's signature,
/// the run that made it with its lineage and artifacts, its aliases, and the model's alias history.
/// </summary>
internal sealed class ModelVersions(IModelStore store)
{
    /// <summary>Every version of <paramref name="model"/>, newest first, and the alias history, oldest first.</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.NotFound"/>) No such model.</exception>
    public async Task<ModelVersionsView> GetAsync(string model, CancellationToken cancellationToken)
    {
        var versions = await store.ListVersionsAsync(model, cancellationToken).ConfigureAwait(false);
        var history = await store.GetAliasHistoryAsync(model, null, cancellationToken).ConfigureAwait(false);
        var details = new List<VersionDetails>(versions.Count);
        foreach (var version in versions.OrderByDescending(v => v.Version))
        {
            Run? run = version.RunId is { } runId ? await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) : null;
            details.Add(new VersionDetails(
                version,
                Inputs(version.Signature),
                run?.Info,
                run?.Datasets ?? [],
                run?.Artifacts ?? [],
                ArtifactDownloads.VersionArtifactUrl(model, version.Version)));
        }

        return new ModelVersionsView(model, details, history);
    }

    // The signature's inputs: [{"name": "hr", "type": "int64"}, ...].
    private static IReadOnlyList<SignatureInput> Inputs(string? signature)
    {
        if (signature is null)
        {
            return [];
        }

        using var json = JsonDocument.Parse(signature);
        return json.RootElement.TryGetProperty("inputs", out var inputs)
            ? [.. inputs.EnumerateArray().Select(i => new SignatureInput(i.GetProperty("name").GetString()!, i.GetProperty("type").GetString()!))]
            : [];
    }
}

/// <summary>The Versions tab of a model.</summary>
/// <param name="Model">The model.</param>
/// <param name="Versions">Its versions, newest first.</param>
/// <param name="AliasHistory">Every alias move, oldest first.</param>
public sealed record ModelVersionsView(string Model, IReadOnlyList<VersionDetails> Versions, IReadOnlyList<AliasChange> AliasHistory);

/// <summary>One version with what made it.</summary>
/// <param name="Version">The stored version.</param>
/// <param name="Inputs">Its signature's inputs.</param>
/// <param name="Run">The run that made it, or <see langword="null"/>.</param>
/// <param name="Datasets">The data sets that run read (lineage).</param>
/// <param name="Artifacts">That run's artifacts.</param>
/// <param name="DownloadUrl">The API path that downloads its model file.</param>
public sealed record VersionDetails(ModelVersion Version, IReadOnlyList<SignatureInput> Inputs, RunInfo? Run, IReadOnlyList<DatasetLineage> Datasets, IReadOnlyList<ArtifactRecord> Artifacts, string DownloadUrl);

/// <summary>One input of a model signature.</summary>
/// <param name="Name">The column.</param>
/// <param name="Type">Its type: <c>float64</c>, <c>int64</c>, <c>bool</c>, <c>string</c>, <c>datetime</c>.</param>
public sealed record SignatureInput(string Name, string Type);
