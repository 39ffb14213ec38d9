namespace ModelOps.Hub.Components.Shared.Charts;

/// <summary>One named line or set of bars of a chart.</summary>
/// <param name="Name">The legend's label.</param>
/// <param name="Values">One value per label (NaN for none).</param>
public sealed record ChartLine(string Name, IReadOnlyList<double> Values);

/// <summary>One named set of points of a scatter chart.</summary>
/// <param name="Name">The legend's label.</param>
/// <param name="Points">The (x, y) points.</param>
public sealed record ChartPoints(string Name, IReadOnlyList<(double X, double Y)> Points);
