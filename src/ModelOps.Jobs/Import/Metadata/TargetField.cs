namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A field of the metadata document that a rule fills. The targets are: <c>name</c>, <c>description</c>, <c>task</c>
/// (one value); <c>metrics</c> and <c>tags</c> (every entry of an object, or of a list of objects); <c>metrics.NAME</c>
/// and <c>tags.NAME</c> (one entry; everything after the first dot is the name); <c>features[].FIELD</c> and
/// <c>charts.KIND[].FIELD</c> (one value per item: the i-th value fills item i); <c>charts.confusion_matrix.labels</c>
/// and <c>charts.confusion_matrix.matrix</c> (a whole list), or with <c>[]</c> (one item per value).
/// </summary>
internal sealed record TargetField(TargetKind Kind, string Text, string Container, string? Field)
{
    /// <summary>The list targets and the fields of their items.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ListFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["features"] = ["name", "type", "description", "importance"],
        ["charts." + MetadataNames.Roc] = ["fpr", "tpr", "threshold"],
        ["charts." + MetadataNames.PrecisionRecall] = ["recall", "precision", "threshold"],
        ["charts." + MetadataNames.FeatureImportance] = ["feature", "importance"],
    };

    /// <summary>Every target, for messages and the prompt.</summary>
    public static readonly string Listing =
        "name, description, task, metrics, metrics.NAME, tags, tags.NAME, " +
        string.Join(", ", ListFields.SelectMany(list => list.Value.Select(field => $"{list.Key}[].{field}"))) +
        ", charts.confusion_matrix.labels, charts.confusion_matrix.labels[], charts.confusion_matrix.matrix, charts.confusion_matrix.matrix[]";

    /// <summary>Whether the target takes many values (one per item).</summary>
    public bool TakesList => Kind is TargetKind.ListField or TargetKind.EachItem;

    /// <summary>Parses a target, or says why it is not one.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TargetField? target, out string problem)
    {
        problem = string.Empty;
        target = text switch
        {
            "name" or "description" or "task" => new(TargetKind.Scalar, text, text, null),
            "metrics" or "tags" => new(TargetKind.Map, text, text, null),
            "charts.confusion_matrix.labels" or "charts.confusion_matrix.matrix" => new(TargetKind.Whole, text, "charts.confusion_matrix", text[(text.LastIndexOf('.') + 1)..]),
            "charts.confusion_matrix.labels[]" or "charts.confusion_matrix.matrix[]" => new(TargetKind.EachItem, text, "charts.confusion_matrix", text[(text.LastIndexOf('.') + 1)..^2]),
            _ => null,
        };
        if (target is not null)
        {
            return true;
        }

        foreach (var map in (string[])["metrics.", "tags."])
        {
            if (text.StartsWith(map, StringComparison.Ordinal) && text.Length > map.Length)
            {
                target = new(TargetKind.MapEntry, text, map[..^1], text[map.Length..]);
                return true;
            }
        }

        var brackets = text.IndexOf("[].", StringComparison.Ordinal);
        if (brackets > 0 && ListFields.TryGetValue(text[..brackets], out var fields))
        {
            var field = text[(brackets + 3)..];
            if (Array.IndexOf(fields, field) >= 0)
            {
                target = new(TargetKind.ListField, text, text[..brackets], field);
                return true;
            }

            problem = $"target '{text}' is not a field of {text[..brackets]}[]; its fields are {string.Join(", ", fields)}";
            return false;
        }

        problem = $"target '{text}' is not a metadata field{Core.Text.NameSuggestions.Hint(text, Listing.Split(", "))}; targets: {Listing}";
        return false;
    }
}

/// <summary>How a <see cref="TargetField"/> takes its values.</summary>
internal enum TargetKind
{
    /// <summary><c>name</c>, <c>description</c>, <c>task</c>: one value.</summary>
    Scalar,

    /// <summary><c>metrics</c>, <c>tags</c>: the entries of an object or a list of objects.</summary>
    Map,

    /// <summary><c>metrics.NAME</c>, <c>tags.NAME</c>: one entry.</summary>
    MapEntry,

    /// <summary><c>features[].name</c>, <c>charts.roc[].fpr</c>: the i-th value fills item i's field.</summary>
    ListField,

    /// <summary><c>charts.confusion_matrix.labels</c>: one value, a whole list.</summary>
    Whole,

    /// <summary><c>charts.confusion_matrix.labels[]</c>: one item per value.</summary>
    EachItem,
}
