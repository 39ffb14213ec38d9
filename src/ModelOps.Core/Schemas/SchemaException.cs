namespace ModelOps.Core.Schemas;

/// <summary>
/// Thrown by <see cref="Schema.Check"/> when data breaks its schema. It carries every violation
/// found in one pass, and its message lists them all, one per line.
/// </summary>
public sealed class SchemaException : Exception
{
    /// <summary>Creates the exception for <paramref name="violations"/> of schema <paramref name="schemaName"/>.</summary>
    public SchemaException(string schemaName, IReadOnlyList<SchemaViolation> violations)
        : base(FormatMessage(schemaName, violations))
    {
        SchemaName = schemaName;
        Violations = violations;
    }

    /// <summary>The name of the schema that was broken.</summary>
    public string SchemaName { get; }

    /// <summary>Every violation, in schema column order.</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; }

    private static string FormatMessage(string schemaName, IReadOnlyList<SchemaViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var count = violations.Count == 1 ? "1 violation" : $"{violations.Count} violations";
        var lines = new string[violations.Count + 1];
        lines[0] = $"Schema '{schemaName}' failed with {count}:";
        for (var i = 0; i < violations.Count; i++)
        {
            lines[i + 1] = "  - " + violations[i];
        }

        return string.Join('\n', lines);
    }
}
