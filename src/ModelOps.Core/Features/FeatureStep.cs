namespace ModelOps.Core.Features;

/// <summary>
/// One step of a feature pipeline: which input columns it takes and how it turns them into
/// features. Steps output their features in order; input columns no step lists are not used.
/// </summary>
/// <param name="Columns">The input columns this step reads.</param>
public abstract record FeatureStep(IReadOnlyList<string> Columns)
{
    /// <summary>The step's config name (<c>KIND</c>).</summary>
    public abstract string Kind { get; }
}

/// <summary>
/// One-hot encoding: one 0/1 feature per category seen in training, named <c>column_category</c>
/// (<c>season_1</c>). Categories are sorted (numbers by value, text ordinally). A category not seen in
/// training, or a null, gives all zeros.
/// </summary>
/// <param name="Columns">The categorical input columns (text, integer or boolean).</param>
public sealed record OneHotStep(IReadOnlyList<string> Columns) : FeatureStep(Columns)
{
    /// <summary>The config name: <c>OneHot</c>.</summary>
    public override string Kind => "OneHot";
}

/// <summary>Standard scaling: (value - training mean) / training standard deviation (population; 1 when it is 0). Nulls stay missing (NaN).</summary>
/// <param name="Columns">The numeric input columns.</param>
public sealed record StandardScaleStep(IReadOnlyList<string> Columns) : FeatureStep(Columns)
{
    /// <summary>The config name: <c>StandardScale</c>.</summary>
    public override string Kind => "StandardScale";
}

/// <summary>Numeric columns as they are (booleans as 0/1); nulls become missing (NaN).</summary>
/// <param name="Columns">The numeric input columns.</param>
public sealed record PassthroughStep(IReadOnlyList<string> Columns) : FeatureStep(Columns)
{
    /// <summary>The config name: <c>Passthrough</c>.</summary>
    public override string Kind => "Passthrough";
}
