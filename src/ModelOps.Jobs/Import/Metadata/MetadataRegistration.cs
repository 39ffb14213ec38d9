using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>What to save a valid <see cref="MetadataProposal"/> as, and who saves it.</summary>
/// <param name="Actor">Who imports it (the token's name, or the CLI user).</param>
public sealed record MetadataSave(string Actor)
{
    /// <summary>The registered model's name; the import becomes its next version.</summary>
    /// <value>Default <see langword="null"/>: <see cref="MetadataRegistration.DefaultModelName"/> of the metadata's name.</value>
    public string? ModelName { get; init; }

    /// <summary>The connector whose LLM proposed the spec, for the record.</summary>
    /// <value>Default <see langword="null"/>: none was asked.</value>
    public string? Connector { get; init; }

    /// <summary>The model file imported with the metadata; the version then holds it and can serve.</summary>
    /// <value>Default <see langword="null"/>: the metadata alone (the version cannot score).</value>
    public AttachedModel? Model { get; init; }
}

/// <summary>What <see cref="MetadataRegistration.RegisterAsync"/> registered.</summary>
/// <param name="Version">The new version (kind <c>external</c>).</param>
/// <param name="Metadata">The metadata it holds.</param>
/// <param name="Model">The converted model of an <see cref="MetadataSave.Model"/>, or <see langword="null"/>: metadata only.</param>
public sealed record MetadataImportResult(ModelVersion Version, ModelMetadata Metadata, Core.Models.Model? Model = null);

/// <summary>
/// Saves imported metadata as the next version of a registered model, of kind <c>external</c>: in a run of experiment
/// <see cref="XGBoostImport.Experiment"/> that records the source file (its bytes and digest), the final spec, who
/// imported it and when, and how the spec came (the deterministic mapper, an LLM through a connector, or the user's
/// edit). The metrics are the run's metrics and the version's, so the model page's Analytics tab shows them like a
/// native model's; feature importances are the run's <see cref="FeatureImportanceFile"/>. Without a model file the
/// version's artifact is the mapped metadata (it cannot score); with an <see cref="AttachedModel"/> it is the converted
/// model (it scores), the XGBoost file is kept under <see cref="AttachedModelFolder"/> and the mapped metadata as
/// <see cref="RegisteredModels.MetadataArtifactPath"/>.
/// </summary>
public static class MetadataRegistration
{
    /// <summary>The artifact path of the final mapping spec in the import's run.</summary>
    public const string SpecArtifactPath = "import/spec.json";

    /// <summary>The folder of the uploaded source file in the import's run.</summary>
    public const string SourceArtifactFolder = "source";

    /// <summary>The folder of the attached model file in the import's run.</summary>
    public const string AttachedModelFolder = "source/model";

    /// <summary>The <see cref="Core.Explain.FeatureImportance.Kind"/> of importances an import gave: on the source's own scale (gain, mean |SHAP|, attributions, ...).</summary>
    public const string ImportedImportanceKind = "imported";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>A model name from the metadata's name: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>, other runs of characters as one <c>-</c>, lower case.</summary>
    public static string DefaultModelName(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var name = new StringBuilder();
        foreach (var c in metadata.Name.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        var text = name.ToString().Trim('-', '.', '_');
        return text.Length == 0 ? "imported-model" : text[..Math.Min(text.Length, 200)];
    }

    /// <summary>Registers <paramref name="proposal"/>'s metadata (see the type's remarks).</summary>
    /// <param name="store">The store.</param>
    /// <param name="proposal">A valid proposal for <paramref name="source"/>.</param>
    /// <param name="source">The uploaded bytes the proposal was made from.</param>
    /// <param name="save">The model name, the actor and the connector.</param>
    /// <param name="cancellationToken">Cancels the import (the run then ends failed; no version is registered).</param>
    /// <exception cref="ArgumentException">The proposal is not valid, or is not of <paramref name="source"/>.</exception>
    /// <exception cref="MetadataImportException">(<see cref="MetadataImportErrorKind.AttachedModel"/>) The attached model cannot be converted or does not match the metadata (checked before anything is written).</exception>
    /// <exception cref="StoreException">The model name is invalid, or the database cannot be written.</exception>
    public static async Task<MetadataImportResult> RegisterAsync(IModelStore store, MetadataProposal proposal, ReadOnlyMemory<byte> source, MetadataSave save, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(save);
        if (!proposal.IsValid || proposal.Metadata is not { } metadata)
        {
            throw new ArgumentException($"The mapping of {proposal.FileName} is not valid yet ({string.Join("; ", proposal.Problems.Select(p => p.ToString()).Concat(proposal.Errors.Select(e => e.ToString())))}); nothing was saved.", nameof(proposal));
        }

        var digest = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(source.Span));
        if (digest != proposal.SourceDigest)
        {
            throw new ArgumentException($"The proposal is of another file ({proposal.SourceDigest}) than the one given ({digest}).", nameof(source));
        }

        var model = save.Model?.Read(metadata);
        var name = save.ModelName ?? DefaultModelName(metadata);
        var origin = proposal.Origin switch
        {
            MappingOrigin.Deterministic => "deterministic",
            MappingOrigin.Llm => "llm",
            _ => "user",
        };
        var runTags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["job"] = "import",
            ["format"] = model is null ? "metadata" : "metadata+xgboost",
            ["source_digest"] = proposal.SourceDigest,
            ["imported_by"] = save.Actor,
            ["mapping"] = origin,
        };
        if (save.Connector is { } connector)
        {
            runTags["connector"] = connector;
        }

        var run = await store.StartRunAsync(XGBoostImport.Experiment, new RunStart
        {
            Name = $"import-{name}",
            Description = $"Import of the model metadata {proposal.FileName}",
            Tags = runTags,
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["source"] = proposal.FileName,
                ["source_digest"] = proposal.SourceDigest,
                ["mapping_rules"] = proposal.Spec.Rules.Count.ToString(CultureInfo.InvariantCulture),
                ["llm_attempts"] = proposal.Attempts.Count.ToString(CultureInfo.InvariantCulture),
            };
            var xgboost = model is null ? null : XGBoostImport.Describe(model, save.Model!.FileName);
            foreach (var (key, value) in xgboost?.Parameters ?? [])
            {
                parameters.TryAdd(key == "source" ? "model_source" : key, value);
            }

            await store.LogParametersAsync(run.Id, parameters, cancellationToken).ConfigureAwait(false);
            if (metadata.Metrics.Count > 0)
            {
                await store.LogMetricsAsync(run.Id, [.. metadata.Metrics.Select(m => new MetricPoint(m.Key, m.Value, 0, run.StartedAt))], cancellationToken).ConfigureAwait(false);
            }

            await LogAsync(store, run.Id, $"{SourceArtifactFolder}/{SafeFileName(proposal.FileName)}", source.ToArray(), cancellationToken).ConfigureAwait(false);
            await LogAsync(store, run.Id, SpecArtifactPath, Encoding.UTF8.GetBytes(proposal.Spec.ToJson()), cancellationToken).ConfigureAwait(false);
            if (Importances(metadata) is { } importances)
            {
                await LogAsync(store, run.Id, FeatureImportanceFile.ArtifactPath, importances.ToBytes(), cancellationToken).ConfigureAwait(false);
            }

            var tags = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in metadata.Tags)
            {
                tags[key] = value;
            }

            tags["source"] = proposal.FileName;
            if (metadata.Task is { } task)
            {
                tags["task"] = ModelMetadata.TaskName(task);
            }

            var mapped = JsonSerializer.SerializeToUtf8Bytes(metadata.ToJson(), Indented);
            ModelVersion version;
            if (model is null)
            {
                version = await store.RegisterExternalAsync(
                    name,
                    run.Id,
                    mapped,
                    Signature(metadata),
                    metadata.Description ?? $"Imported from {proposal.FileName}",
                    metadata.Metrics,
                    tags,
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await LogAsync(store, run.Id, $"{AttachedModelFolder}/{SafeFileName(save.Model!.FileName)}", save.Model.Content.ToArray(), cancellationToken).ConfigureAwait(false);
                await LogAsync(store, run.Id, RegisteredModels.MetadataArtifactPath, mapped, cancellationToken).ConfigureAwait(false);
                foreach (var key in (string[])["trees_used", "best_iteration"])
                {
                    if (xgboost!.Tags.TryGetValue(key, out var value))
                    {
                        tags[key] = value;
                    }
                }

                tags[RegisteredModels.KindTag] = RegisteredModels.ExternalKind;
                tags[RegisteredModels.ModelFileTag] = AttachedModel.XGBoostFormat;
                tags["model_source"] = save.Model.FileName;
                version = await store.RegisterAsync(
                    new ModelRegistration(name, model, run.Id)
                    {
                        Description = metadata.Description is { } description ? $"{description} ({xgboost!.Description})" : xgboost!.Description,
                        Metrics = metadata.Metrics,
                        Tags = tags,
                    },
                    cancellationToken).ConfigureAwait(false);
            }

            await store.EndRunAsync(run.Id, RunStatus.Finished, cancellationToken).ConfigureAwait(false);
            return new MetadataImportResult(version, metadata, model);
        }
        catch
        {
            await store.EndRunAsync(run.Id, RunStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task LogAsync(IModelStore store, string runId, string path, byte[] content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content, writable: false);
        await store.LogArtifactAsync(runId, path, stream, cancellationToken).ConfigureAwait(false);
    }

    // The source's own name, without folders or characters an artifact path refuses.
    private static string SafeFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]).Trim('.');
        return safe.Length == 0 ? "metadata.json" : safe;
    }

    // The importances the source gives (a chart, else the features' own), as the model page reads them.
    private static FeatureImportanceFile? Importances(ModelMetadata metadata)
    {
        if (metadata.Charts.FeatureImportance.Count > 0)
        {
            return new FeatureImportanceFile(0, [.. metadata.Charts.FeatureImportance.Select(i => new Core.Explain.FeatureImportance(i.Feature, i.Importance, ImportedImportanceKind))]);
        }

        var withImportance = metadata.Features.Where(f => f.Importance is not null).ToList();
        return withImportance.Count == 0
            ? null
            : new FeatureImportanceFile(0, [.. withImportance.Select(f => new Core.Explain.FeatureImportance(f.Name, f.Importance!.Value, ImportedImportanceKind))]);
    }

    // The signature, when every feature states its type (the registry's form: {"inputs": [{"name", "type"}], "target": null}).
    private static string? Signature(ModelMetadata metadata)
    {
        if (metadata.Features.Count == 0 || metadata.Features.Any(f => f.Type is null))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var feature in metadata.Features)
            {
                writer.WriteStartObject();
                writer.WriteString("name", feature.Name);
                writer.WriteString("type", feature.Type!.Value.ToName());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNull("target");
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
