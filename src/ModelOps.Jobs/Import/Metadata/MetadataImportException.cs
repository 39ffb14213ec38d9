namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// Thrown by the metadata import for a failure the user can act on: the uploaded file is not JSON, a spec the user
/// edited is not a spec, the LLM never answered with a spec, or the model file attached to the metadata cannot be used. The message is one line that names the file and where
/// (<c>model.json is not JSON: line 3, byte 14: ...</c>) or what was wrong; <see cref="Kind"/> tells callers (the hub's
/// problem details, the CLI's exit codes) which it is. A spec that applies with problems or a result that breaks the
/// schema is not an exception: it is a proposal with <see cref="MetadataProposal.Problems"/> and
/// <see cref="MetadataProposal.Errors"/>. The LLM client's own exceptions (timeouts, HTTP errors such as 401 or 429)
/// are not wrapped: they reach the caller as they are.
/// </summary>
public sealed class MetadataImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Which kind of failure this is.</param>
    /// <param name="message">One line: what failed, and where.</param>
    /// <param name="attempts">The LLM's attempts, for <see cref="MetadataImportErrorKind.LlmAnswerNotSpec"/>.</param>
    public MetadataImportException(MetadataImportErrorKind kind, string message, IReadOnlyList<MappingAttempt>? attempts = null)
        : base(message)
    {
        Kind = kind;
        Attempts = attempts ?? [];
    }

    /// <summary>Which kind of failure this is.</summary>
    public MetadataImportErrorKind Kind { get; }

    /// <summary>The LLM's attempts, each with its request and answer (empty for other kinds).</summary>
    public IReadOnlyList<MappingAttempt> Attempts { get; }
}

/// <summary>The kinds of <see cref="MetadataImportException"/>.</summary>
public enum MetadataImportErrorKind
{
    /// <summary>The uploaded file is not JSON (or is empty).</summary>
    NotJson,

    /// <summary>A spec given to <see cref="MetadataImport.Apply(ReadOnlyMemory{byte}, string, MappingSpec)"/> or <see cref="MappingSpec.Parse"/> is not a spec.</summary>
    InvalidSpec,

    /// <summary>The LLM answered every attempt with something that is not a spec.</summary>
    LlmAnswerNotSpec,

    /// <summary>The model file imported with the metadata is not an XGBoost model ModelOps can convert, or does not match the metadata (features, task).</summary>
    AttachedModel,
}
