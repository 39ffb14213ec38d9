namespace ModelOps.Store.Tracking;

/// <summary>One value of a metric.</summary>
/// <param name="Key">The metric name, such as <c>rmse</c> or <c>val_loss</c>.</param>
/// <param name="Value">The value; NaN and infinities are kept.</param>
/// <param name="Step">The step (iteration, epoch, fold) it belongs to; 0 for single values.</param>
/// <param name="Timestamp">When it was measured (UTC, stored to the microsecond).</param>
public sealed record MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);
