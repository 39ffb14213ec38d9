using ModelOps.Core.Explain;

namespace ModelOps.Core.Scoring;

/// <summary>What <see cref="ModelScoring.Score(Models.Model, Data.Frame, ScoringOptions?)"/> computes besides the predictions.</summary>
public sealed record ScoringOptions
{
    /// <summary>The options that compute predictions and probabilities only.</summary>
    public static ScoringOptions PredictionsOnly { get; } = new();

    /// <summary>SHAP values at this level (input columns or model features), or none.</summary>
    /// <value>Default: <see langword="null"/> (no SHAP), unless <see cref="Explainer"/> is given.</value>
    public ShapLevel? Explain { get; init; }

    /// <summary>
    /// An explainer prepared once for the scored model (<see cref="ShapExplainer.Prepare(Models.Model, ShapLevel, long)"/>),
    /// kept by a caller that scores the same model many times; its level wins over <see cref="Explain"/>.
    /// </summary>
    /// <value>Default: <see langword="null"/>: when <see cref="Explain"/> is set, an explainer is prepared for this call.</value>
    public PreparedShapExplainer? Explainer { get; init; }

    /// <summary>The most cores scoring may use.</summary>
    /// <value>Default: <see langword="null"/> (all cores); 1 scores on the calling thread.</value>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Checked between blocks of rows: a long scoring (SHAP of a large model) stops within one block of being cancelled.</summary>
    /// <value>Default: <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Whether SHAP values are asked for.</summary>
    internal bool Explains => Explain is not null || Explainer is not null;
}
