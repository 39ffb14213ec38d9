using System.Text.Json;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A proposed (or user-edited) mapping of one uploaded file, applied and validated: what the user reviews before
/// saving. Only a proposal that <see cref="IsValid"/> has <see cref="Metadata"/>, so nothing is saved half-done.
/// </summary>
public sealed record MetadataProposal
{
    /// <summary>The uploaded file's name.</summary>
    public required string FileName { get; init; }

    /// <summary>The sha256 of the uploaded bytes, <c>sha256:&lt;hex&gt;</c>: an edited spec is applied to the same file.</summary>
    public required string SourceDigest { get; init; }

    /// <summary>Who wrote the spec.</summary>
    public required MappingOrigin Origin { get; init; }

    /// <summary>The spec.</summary>
    public required MappingSpec Spec { get; init; }

    /// <summary>Each rule of <see cref="Spec"/>, with a sample of its value in the source (what the user sees beside the rule).</summary>
    public required IReadOnlyList<RuleSample> Rules { get; init; }

    /// <summary>The mapped document, valid or not (a JSON object in schema order).</summary>
    public required JsonElement Mapped { get; init; }

    /// <summary>The rules that did not apply, or not wholly, and why.</summary>
    public required IReadOnlyList<MappingProblem> Problems { get; init; }

    /// <summary>How <see cref="Mapped"/> breaks the schema, by instance path.</summary>
    public required IReadOnlyList<MetadataValidationError> Errors { get; init; }

    /// <summary>The LLM's attempts, in order (empty when no LLM was asked).</summary>
    public IReadOnlyList<MappingAttempt> Attempts { get; init; } = [];

    /// <summary>The deterministic mapper's spec, when an LLM was asked (its starting point); else <see langword="null"/>.</summary>
    public MappingSpec? DeterministicSpec { get; init; }

    /// <summary>Whether every rule applied and the result is valid metadata (no <see cref="Problems"/>, no <see cref="Errors"/>).</summary>
    public bool IsValid => Problems.Count == 0 && Errors.Count == 0;

    /// <summary>The metadata, when <see cref="IsValid"/>; else <see langword="null"/>.</summary>
    public ModelMetadata? Metadata { get; init; }
}

/// <summary>Who wrote a proposal's spec.</summary>
public enum MappingOrigin
{
    /// <summary>The deterministic mapper (names, synonyms, shapes).</summary>
    Deterministic,

    /// <summary>The LLM, starting from the deterministic mapper's spec.</summary>
    Llm,

    /// <summary>The user (an edited spec).</summary>
    User,
}

/// <summary>A rule with a sample of the value it reads, for review.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Sample">The first value at the rule's source path as compact JSON, at most 80 characters (cut with <c>…</c>); <see langword="null"/> when there is none.</param>
/// <param name="Count">How many values the path found (many for a path with <c>[*]</c>; 0 when it finds none).</param>
public sealed record RuleSample(MappingRule Rule, string? Sample, int Count);

/// <summary>Why a rule did not apply, or not wholly: a path that is not in the source, a value the transform cannot read, a field set twice.</summary>
/// <param name="Rule">The rule's index in the spec, from 0.</param>
/// <param name="Message">What is wrong, naming the path and the value (<c>$.results.Accuracy is string "ninety", not a percentage</c>).</param>
public sealed record MappingProblem(int Rule, string Message)
{
    /// <summary><c>rules[2]: $.results.Accuracy is string "ninety", not a percentage</c>.</summary>
    public override string ToString() => $"rules[{Rule}]: {Message}";
}

/// <summary>One request to the LLM and what came of it.</summary>
/// <param name="Number">The attempt's number, from 1.</param>
/// <param name="Request">The message sent (the prompt, or the feedback on the previous answer).</param>
/// <param name="Answer">The LLM's answer, as it came.</param>
/// <param name="Spec">The spec the answer holds; <see langword="null"/> when it is not one.</param>
/// <param name="NotASpec">Why the answer is not a spec; <see langword="null"/> when it is one.</param>
/// <param name="Problems">The spec's problems when applied.</param>
/// <param name="Errors">The result's validation errors.</param>
public sealed record MappingAttempt(
    int Number,
    string Request,
    string Answer,
    MappingSpec? Spec,
    string? NotASpec,
    IReadOnlyList<MappingProblem> Problems,
    IReadOnlyList<MetadataValidationError> Errors)
{
    /// <summary>Whether the answer was a spec that applied cleanly to valid metadata.</summary>
    public bool IsValid => Spec is not null && Problems.Count == 0 && Errors.Count == 0;
}
