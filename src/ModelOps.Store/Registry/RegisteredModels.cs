using System.Globalization;
using ModelOps.Core.Models;
using ModelOps.Store.Artifacts;

namespace ModelOps.Store.Registry;

/// <summary>
/// The one way to register a fitted model and to load a registered one over a store: jobs, the hub's
/// model cache and model imports all use these, so a version always has its artifact, signature and
/// run, and a reference always resolves and loads the same way.
/// </summary>
public static class RegisteredModels
{
    /// <summary>The artifact path of a version's model file within its run.</summary>
    public const string ArtifactPath = "model.json";

    /// <summary>The artifact path of an external version's metadata document within its run.</summary>
    public const string MetadataArtifactPath = "metadata.json";

    /// <summary>The version tag that says what a version is: <see cref="ExternalKind"/> for a model trained elsewhere whose metadata was imported.</summary>
    public const string KindTag = "kind";

    /// <summary>
    /// The <see cref="KindTag"/> of a version imported from another tool's metadata: from the metadata alone
    /// (<see cref="RegisterExternalAsync"/>, no model file), or together with the model file (then it also has
    /// <see cref="ModelFileTag"/> and scores like a native version).
    /// </summary>
    public const string ExternalKind = "external";

    /// <summary>The version tag of an <see cref="ExternalKind"/> version that holds a model file: the file's format (<c>xgboost</c>).</summary>
    public const string ModelFileTag = "model_file";

    /// <summary>
    /// Resolves <paramref name="reference"/> (<c>name@alias</c>, <c>name/3</c>, <c>name/latest</c> or <c>name</c> for the
    /// highest version) and loads the version's model file.
    /// </summary>
    /// <exception cref="StoreException">The reference is malformed, or the model, alias or version does not exist.</exception>
    /// <exception cref="IOException">The artifact cannot be read.</exception>
    /// <exception cref="ModelFormatException">The artifact is not a ModelOps model file.</exception>
    public static async Task<LoadedModel> LoadAsync(this IModelStore store, string reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reference);
        var version = await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        return await LoadAsync(store, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the model file of <paramref name="version"/> (as the registry returned it).</summary>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) The version is metadata without a model file (<see cref="IsMetadataOnly"/>).</exception>
    /// <exception cref="IOException">The artifact cannot be read.</exception>
    /// <exception cref="ModelFormatException">The artifact is not a ModelOps model file.</exception>
    public static async Task<LoadedModel> LoadAsync(this IModelStore store, ModelVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        if (IsMetadataOnly(version))
        {
            throw new StoreException(
                StoreErrorKind.Invalid,
                $"model '{version.Model}' version {version.Version} is external (its metadata was imported, without a model file), so it cannot score; import the metadata again with its XGBoost model (modelops models import metadata FILE --xgboost MODEL) to serve it");
        }

        Model model;
        await using (var stream = await store.Artifacts.OpenAsync(version.ArtifactUri, cancellationToken).ConfigureAwait(false))
        {
            model = ModelFile.Load(stream);
        }

        return new LoadedModel(version, model);
    }

    /// <summary>
    /// Registers <paramref name="registration"/>'s model as the next version of its name: writes the model
    /// file as artifact <see cref="ArtifactPath"/> of the run, then registers the version with that
    /// artifact, the model's signature, the run and the metrics.
    /// </summary>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">The model is not fitted.</exception>
    /// <exception cref="StoreException">The run does not exist, already holds a model file (<see cref="StoreErrorKind.Conflict"/>), or the database cannot be written.</exception>
    public static async Task<ModelVersion> RegisterAsync(this IModelStore store, ModelRegistration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registration);
        var model = registration.Model;
        if (!model.IsFitted)
        {
            throw new ArgumentException($"The {model.Kind} model is not fitted; only a fitted model can be registered.", nameof(registration));
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in registration.Tags ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        foreach (var (key, value) in registration.Metrics ?? new Dictionary<string, double>())
        {
            tags[key] = value.ToString("R", CultureInfo.InvariantCulture);
        }

        // A run's model file is one artifact path: a second registration from the same run would
        // replace the file an earlier version points to.
        var run = await store.GetRunAsync(registration.RunId, cancellationToken).ConfigureAwait(false);
        if (run.Artifacts.Any(a => a.Path == ArtifactPath))
        {
            throw new StoreException(
                StoreErrorKind.Conflict,
                $"run '{registration.RunId}' already holds a registered model file ({ArtifactPath}); register each version from a run of its own");
        }

        ArtifactRecord artifact;
        using (var content = new MemoryStream(ModelFile.ToBytes(model), writable: false))
        {
            artifact = await store.LogArtifactAsync(registration.RunId, ArtifactPath, content, cancellationToken).ConfigureAwait(false);
        }

        return await store.RegisterVersionAsync(
            new NewModelVersion(registration.Name, artifact.Uri)
            {
                RunId = registration.RunId,
                Signature = ModelFile.SignatureJson(model),
                Description = registration.Description,
                Tags = tags.Count == 0 ? null : tags,
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="version"/> was imported from another tool's metadata (<see cref="KindTag"/> = <see cref="ExternalKind"/>), with or without its model file.</summary>
    public static bool IsExternal(ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return version.Tags.TryGetValue(KindTag, out var kind) && kind == ExternalKind;
    }

    /// <summary>Whether <paramref name="version"/> is metadata without a model file (<see cref="RegisterExternalAsync"/>): it cannot score.</summary>
    public static bool IsMetadataOnly(ModelVersion version) => IsExternal(version) && !version.Tags.ContainsKey(ModelFileTag);

    /// <summary>
    /// Registers the next version of <paramref name="name"/> from a model's metadata alone (a model trained and served
    /// elsewhere): writes <paramref name="metadata"/> as artifact <see cref="MetadataArtifactPath"/> of the run, then
    /// registers the version with that artifact, the run, the signature when the metadata names the inputs, and the tags
    /// (<see cref="KindTag"/> = <see cref="ExternalKind"/>, the metrics with round-trip precision). It cannot score.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="name">The registered model's name; created on first use.</param>
    /// <param name="runId">The import's run: the version's lineage.</param>
    /// <param name="metadata">The metadata document (JSON), kept as the version's artifact.</param>
    /// <param name="signature">The signature JSON (inputs as the model file writes them), or <see langword="null"/>.</param>
    /// <param name="description">What the version is, or <see langword="null"/>.</param>
    /// <param name="metrics">Its metrics, by name.</param>
    /// <param name="tags">Further tags (a metric of the same name wins; <see cref="KindTag"/> is always <see cref="ExternalKind"/>, <see cref="ModelFileTag"/> never set).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="StoreException">The run does not exist or already holds a registered file, or the database cannot be written.</exception>
    public static async Task<ModelVersion> RegisterExternalAsync(
        this IModelStore store,
        string name,
        string runId,
        ReadOnlyMemory<byte> metadata,
        string? signature,
        string? description,
        IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(tags);
        var run = await store.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run.Artifacts.Any(a => a.Path is ArtifactPath or MetadataArtifactPath))
        {
            throw new StoreException(StoreErrorKind.Conflict, $"run '{runId}' already holds a registered file; register each version from a run of its own");
        }

        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            all[key] = value;
        }

        foreach (var (key, value) in metrics)
        {
            all[key] = value.ToString("R", CultureInfo.InvariantCulture);
        }

        all[KindTag] = ExternalKind;
        all.Remove(ModelFileTag);
        ArtifactRecord artifact;
        using (var content = new MemoryStream(metadata.ToArray(), writable: false))
        {
            artifact = await store.LogArtifactAsync(runId, MetadataArtifactPath, content, cancellationToken).ConfigureAwait(false);
        }

        return await store.RegisterVersionAsync(
            new NewModelVersion(name, artifact.Uri) { RunId = runId, Signature = signature, Description = description, Tags = all },
            cancellationToken).ConfigureAwait(false);
    }
}
