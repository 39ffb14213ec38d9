using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// The metadata import, the one entry point the hub's API and UI and the CLI share: <see cref="ProposeAsync"/> reads an
/// uploaded model-metadata file shaped by any tool and proposes a mapping spec for it (the deterministic mapper's, or,
/// with an LLM, the LLM's), applied and validated; <see cref="Apply(ReadOnlyMemory{byte}, string, MappingSpec)"/>
/// applies the spec the user edited. Neither saves anything: the caller registers <see cref="MetadataProposal.Metadata"/>
/// once the proposal <see cref="MetadataProposal.IsValid"/>.
/// </summary>
public static class MetadataImport
{
    /// <summary>Proposes a spec for an uploaded file and applies it.</summary>
    /// <param name="source">The uploaded bytes (UTF-8 JSON).</param>
    /// <param name="fileName">The uploaded file's name, for messages.</param>
    /// <param name="llm">The LLM to ask (a connector's client); <see langword="null"/>: the deterministic mapper's spec only.</param>
    /// <param name="options">Retries and the sample's bounds; default <see cref="MetadataImportOptions"/>'s defaults.</param>
    /// <param name="cancellationToken">Cancels the LLM's requests.</param>
    /// <returns>The proposal: the spec, each rule with a sample value, the mapped document, its problems and errors, and the LLM's attempts.</returns>
    /// <exception cref="MetadataImportException">The file is not JSON (<see cref="MetadataImportErrorKind.NotJson"/>), or the LLM never answered with a spec (<see cref="MetadataImportErrorKind.LlmAnswerNotSpec"/>).</exception>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <remarks>The LLM client's exceptions (a timeout, an HTTP error such as 401 or 429) are not caught: they reach the caller as they are.</remarks>
    public static async Task<MetadataProposal> ProposeAsync(
        ReadOnlyMemory<byte> source,
        string fileName,
        IChatClient? llm,
        MetadataImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        options ??= new MetadataImportOptions();
        options.Validate();
        using var document = SourceDocument.Parse(source, fileName);
        var deterministic = DeterministicMapper.Propose(document.Root);
        var result = MappingApplier.Apply(document.Root, deterministic);
        var errors = ModelMetadataSchema.Validate(result.Mapped);
        if (llm is null)
        {
            return Proposal(document, MappingOrigin.Deterministic, deterministic, result, errors);
        }

        var (chosen, chosenResult, attempts) = await LlmMappingProposer.ProposeAsync(llm, document, deterministic, result, errors, options, cancellationToken).ConfigureAwait(false);
        return Proposal(document, MappingOrigin.Llm, chosen.Spec!, chosenResult, chosen.Errors) with { Attempts = attempts, DeterministicSpec = deterministic };
    }

    /// <summary>Applies a spec (the user's edit of a proposal's) to an uploaded file, and validates the result.</summary>
    /// <param name="source">The uploaded bytes (UTF-8 JSON).</param>
    /// <param name="fileName">The uploaded file's name, for messages.</param>
    /// <param name="spec">The spec.</param>
    /// <returns>The proposal of origin <see cref="MappingOrigin.User"/>.</returns>
    /// <exception cref="MetadataImportException">The file is not JSON (<see cref="MetadataImportErrorKind.NotJson"/>).</exception>
    public static MetadataProposal Apply(ReadOnlyMemory<byte> source, string fileName, MappingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(spec);
        using var document = SourceDocument.Parse(source, fileName);
        var result = MappingApplier.Apply(document.Root, spec);
        return Proposal(document, MappingOrigin.User, spec, result, ModelMetadataSchema.Validate(result.Mapped));
    }

    /// <summary>Applies a spec given as JSON text (as the API receives it); see <see cref="Apply(ReadOnlyMemory{byte}, string, MappingSpec)"/>.</summary>
    /// <exception cref="MetadataImportException">The file is not JSON (<see cref="MetadataImportErrorKind.NotJson"/>), or <paramref name="specJson"/> is not a spec (<see cref="MetadataImportErrorKind.InvalidSpec"/>).</exception>
    public static MetadataProposal Apply(ReadOnlyMemory<byte> source, string fileName, string specJson) =>
        Apply(source, fileName, MappingSpec.Parse(specJson));

    private static MetadataProposal Proposal(SourceDocument document, MappingOrigin origin, MappingSpec spec, MappingResult result, IReadOnlyList<MetadataValidationError> errors)
    {
        var valid = result.Problems.Count == 0 && errors.Count == 0;
        return new MetadataProposal
        {
            FileName = document.FileName,
            SourceDigest = document.Digest,
            Origin = origin,
            Spec = spec,
            Rules = result.Rules,
            Mapped = JsonSerializer.SerializeToElement(result.Mapped, JsonText.Compact),
            Problems = result.Problems,
            Errors = errors,
            Metadata = valid ? ModelMetadata.FromJson(result.Mapped) : null,
        };
    }
}
