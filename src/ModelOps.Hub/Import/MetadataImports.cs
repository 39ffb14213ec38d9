using ModelOps.Hub.Connectors;
using ModelOps.Hub.Errors;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store;

namespace ModelOps.Hub.Import;

/// <summary>
/// The metadata import as the API, the UI and the CLI run it: propose a mapping for an uploaded file (the deterministic
/// mapper's, or a connector's LLM's), apply an edited mapping, and save a valid one as an external model version.
/// </summary>
/// <param name="store">Where the versions are registered.</param>
/// <param name="connectors">The connectors whose LLMs propose mappings.</param>
public sealed class MetadataImports(IModelStore store, ConnectorService connectors)
{
    /// <summary>Proposes a mapping for <paramref name="source"/>: the deterministic mapper's, or with <paramref name="connector"/> its LLM's.</summary>
    /// <exception cref="MetadataImportException">The file is not JSON, or the LLM never answered with a spec.</exception>
    /// <exception cref="ConnectorException">The LLM's provider failed (bad key, rate limit, timeout, unreachable).</exception>
    /// <exception cref="StoreException">No such connector.</exception>
    public async Task<MetadataProposal> ProposeAsync(ReadOnlyMemory<byte> source, string fileName, string? connector, CancellationToken cancellationToken)
    {
        if (connector is null)
        {
            return await MetadataImport.ProposeAsync(source, fileName, null, null, cancellationToken).ConfigureAwait(false);
        }

        using var llm = await connectors.OpenChatClientAsync(connector, cancellationToken).ConfigureAwait(false);
        return await MetadataImport.ProposeAsync(source, fileName, llm, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies <paramref name="spec"/> (a proposal's, maybe edited) to <paramref name="source"/> and validates the result.</summary>
    /// <exception cref="MetadataImportException">The file is not JSON.</exception>
    public static MetadataProposal Apply(ReadOnlyMemory<byte> source, string fileName, MappingSpec spec) => MetadataImport.Apply(source, fileName, spec);

    /// <summary>
    /// Applies <paramref name="spec"/> to <paramref name="source"/> and, when the result is valid, registers it as the
    /// next version of the model (kind <c>external</c>); else answers 400 with every problem, saving nothing.
    /// </summary>
    /// <param name="source">The uploaded bytes.</param>
    /// <param name="fileName">The uploaded file's name.</param>
    /// <param name="spec">The mapping to save.</param>
    /// <param name="origin">Who wrote it: the deterministic mapper, a connector's LLM, or the user (an edit).</param>
    /// <param name="save">The model name, actor and connector.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <exception cref="HubException">(400) The mapping does not give valid metadata.</exception>
    /// <exception cref="StoreException">The model name is invalid, or the database cannot be written.</exception>
    public async Task<MetadataImportResult> SaveAsync(ReadOnlyMemory<byte> source, string fileName, MappingSpec spec, MappingOrigin origin, MetadataSave save, CancellationToken cancellationToken)
    {
        var proposal = MetadataImport.Apply(source, fileName, spec) with { Origin = origin };
        if (!proposal.IsValid)
        {
            string[] problems = [.. proposal.Problems.Select(p => p.ToString()), .. proposal.Errors.Select(e => e.ToString())];
            throw new HubException(400, $"the mapping of {fileName} does not give valid metadata, so nothing was saved: {string.Join("; ", problems)}", problems);
        }

        return await MetadataRegistration.RegisterAsync(store, proposal, source, save, cancellationToken).ConfigureAwait(false);
    }
}
