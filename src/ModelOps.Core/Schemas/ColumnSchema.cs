using ModelOps.Core.Data;

namespace ModelOps.Core.Schemas;

/// <summary>The rules for one column of a <see cref="Schema"/>.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type the column must have (after coercion).</param>
public sealed record ColumnSchema(string Name, ColumnType Type)
{
    /// <summary>Whether null values are allowed.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Nullable { get; init; }

    /// <summary>The smallest allowed value (numeric columns), inclusive.</summary>
    /// <value>Default none.</value>
    public double? Minimum { get; init; }

    /// <summary>The largest allowed value (numeric columns), inclusive.</summary>
    /// <value>Default none.</value>
    public double? Maximum { get; init; }

    /// <summary>The only values allowed, written as invariant text (<c>1</c>, <c>0.5</c>, <c>true</c>, <c>2011-01-01</c>, <c>red</c>); numeric values compare as numbers.</summary>
    /// <value>Default none (any value).</value>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Whether every non-null value must differ from the others.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Unique { get; init; }

    /// <summary>Whether a column of another type is converted to <see cref="Type"/> (values that do not convert are violations).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Coerce { get; init; } = true;

    /// <summary>Whether the column must be present.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Required { get; init; } = true;

    /// <summary>What the column means, for people.</summary>
    /// <value>Default none.</value>
    public string? Description { get; init; }
}
