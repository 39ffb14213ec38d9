using ModelOps.Jobs.Import.Metadata;

namespace ModelOps.Hub.Components.Pages.Import;

/// <summary>
/// One rule of the mapping as the import page edits it: the rule's fields, and what the last check read at its source
/// path (shown until the rule is changed, since a changed rule reads something else).
/// </summary>
public sealed class MappingRow
{
    /// <summary>The source path (<c>$.model_performance.f1_score</c>).</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The target field (<c>metrics.f1</c>).</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>The transform.</summary>
    public MappingTransform Transform { get; set; }

    /// <summary>The delimiter of <see cref="MappingTransform.SplitList"/>, or <see langword="null"/> for a comma.</summary>
    public string? Delimiter { get; set; }

    /// <summary>For a <c>metrics</c> or <c>tags</c> target read from a list of objects: the member naming each entry.</summary>
    public string? NameField { get; set; }

    /// <summary>For a <c>metrics</c> or <c>tags</c> target: the member holding each entry's value.</summary>
    public string? ValueField { get; set; }

    /// <summary>The rule as the last check applied it, or <see langword="null"/> for a row added since.</summary>
    public MappingRule? Checked { get; private set; }

    /// <summary>The first value the last check read at the source path (compact JSON), or <see langword="null"/>.</summary>
    public string? Sample { get; private set; }

    /// <summary>How many values the last check read at the source path.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the row changed since the last check (its sample is then stale).</summary>
    public bool Changed => Checked is null || Checked != ToRule();

    /// <summary>The rule (empty options left out).</summary>
    public MappingRule ToRule() => new(Source.Trim(), Target.Trim(), Transform)
    {
        Delimiter = string.IsNullOrEmpty(Delimiter) ? null : Delimiter,
        NameField = string.IsNullOrWhiteSpace(NameField) ? null : NameField.Trim(),
        ValueField = string.IsNullOrWhiteSpace(ValueField) ? null : ValueField.Trim(),
    };

    /// <summary>The rows of a checked proposal, one per rule in order.</summary>
    public static List<MappingRow> Of(MetadataProposal proposal) => [.. proposal.Rules.Select(Of)];

    private static MappingRow Of(RuleSample sample) => new()
    {
        Source = sample.Rule.Source,
        Target = sample.Rule.Target,
        Transform = sample.Rule.Transform,
        Delimiter = sample.Rule.Delimiter,
        NameField = sample.Rule.NameField,
        ValueField = sample.Rule.ValueField,
        Checked = sample.Rule,
        Sample = sample.Sample,
        Count = sample.Count,
    };
}
