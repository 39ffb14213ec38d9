namespace ModelOps.Core.Schemas;

/// <summary>
/// Thrown by <see cref="Schema.Check"/> when data breaks its schema. It carries every violation
/// found in one pass, and its message lists them all, one per line.
/// </summary>
public sealed class SchemaException : Exception
{
    /// <summary>Creates the exception for <paramref name="violations"/> of schema <paramref name="schemaName"/>.</summary>
    /// <param name="schemaName">The schema's name.</param>
    /// <param name="violations">Every rule broken.</param>
    /// <param name="source">The data's file or table as the user named it, when known.</param>
    public SchemaException(string schemaName, IReadOnlyList<SchemaViolation> violations, string? source = null)
        : base(FormatMessage(schemaName, violations, source))
    {
        SchemaName = schemaName;
        Violations = violations;
        Source = source;
    }

    /// <summary>The name of the schema that was broken.</summary>
    public string SchemaName { get; }

    /// <summary>The data's file or table, when known: the message says <c>failed on data/bike.csv</c>.</summary>
    public new string? Source { get; }

    /// <summary>Every violation, in schema column order.</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; }

    private static string FormatMessage(string schemaName, IReadOnlyList<SchemaViolation> violations, string? source)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var count = violations.Count == 1 ? "1 violation" : $"{violations.Count} violations";
        var lines = new string[violations.Count + 1];
        lines[0] = source is null ? $"Schema '{schemaName}' failed with {count}:" : $"Schema '{schemaName}' failed on {source} with {count}:";
        for (var i = 0; i < violations.Count; i++)
        {
            lines[i + 1] = "  - " + violations[i];
        }

        return string.Join('\n', lines);
    }
}
