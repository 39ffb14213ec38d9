using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using ModelOps.Core.Learning;
using ModelOps.Core.Text;

namespace ModelOps.Core.Metrics;

/// <summary>
/// The catalog of metrics, each found by its config name (<see cref="MetricNames"/>), case-insensitively.
/// Regression: <c>mse</c>, <c>rmse</c>, <c>mae</c>, <c>r2</c>, <c>mape</c>, <c>max_error</c>. Classification:
/// <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>, <c>log_loss</c>, <c>roc_auc</c>,
/// <c>average_precision</c>, <c>brier</c>. Every value equals scikit-learn 1.2.1's (see <see cref="IMetric"/>).
/// </summary>
public static class MetricCatalog
{
    /// <summary>
    /// The probability above which label metrics (<c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>) count a
    /// prediction as class 1: 0.5, exclusive, so 0.5 itself is class 0 and hard labels 0 and 1 stay as they are.
    /// </summary>
    public const double LabelThreshold = MetricConstants.LabelThreshold;

    private static readonly IMetric[] Catalog =
    [
        new MeanSquaredErrorMetric(),
        new RootMeanSquaredErrorMetric(),
        new MeanAbsoluteErrorMetric(),
        new R2Metric(),
        new MeanAbsolutePercentageErrorMetric(),
        new MaxErrorMetric(),
        new AccuracyMetric(),
        new PrecisionMetric(),
        new RecallMetric(),
        new F1Metric(),
        new LogLossMetric(),
        new RocAucMetric(),
        new AveragePrecisionMetric(),
        new BrierMetric(),
    ];

    private static readonly Dictionary<string, IMetric> ByName = CreateIndex();

    private static readonly string KnownNames = string.Join(", ", Array.ConvertAll(Catalog, m => m.Name));

    /// <summary>Every metric: the regression ones, then the classification ones, in the order listed above.</summary>
    public static IReadOnlyList<IMetric> All { get; } = new ReadOnlyCollection<IMetric>(Catalog);

    /// <summary>The config names of <see cref="All"/>, in the same order.</summary>
    public static IReadOnlyList<string> Names { get; } = new ReadOnlyCollection<string>(Array.ConvertAll(Catalog, m => m.Name));

    /// <summary>The metric named <paramref name="name"/>, ignoring case.</summary>
    /// <exception cref="ArgumentException">No metric has that name; the message lists the names there are.</exception>
    public static IMetric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ByName.TryGetValue(name, out var metric))
        {
            return metric;
        }

        var suggestion = Closest(name);
        var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
        throw new ArgumentException($"Unknown metric '{name}'.{hint} Known metrics: {KnownNames}.", nameof(name));
    }

    /// <summary>Looks up a metric by name, ignoring case.</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a metric.</returns>
    public static bool TryGet(string name, [NotNullWhen(true)] out IMetric? metric)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.TryGetValue(name, out metric);
    }

    /// <summary>The metric a model of <paramref name="task"/> is judged by first: <c>rmse</c> for regression, <c>roc_auc</c> for classification.</summary>
    public static IMetric Primary(ModelTask task) => Get(task == ModelTask.Regression ? MetricNames.RootMeanSquaredError : MetricNames.RocAuc);

    /// <summary>
    /// The primary metric (<see cref="Primary"/>) of the task whose metrics <paramref name="names"/> hold, when one of
    /// them names it: the key figure of a model version whose task is known only by the metrics it was scored with.
    /// </summary>
    public static IMetric? PrimaryAmong(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var present = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        return Array.Find([Primary(ModelTask.Regression), Primary(ModelTask.BinaryClassification)], m => present.Contains(m.Name));
    }

    /// <summary>The metrics of one task, in catalog order.</summary>
    public static IReadOnlyList<IMetric> For(ModelTask task) => Array.FindAll(Catalog, m => m.Task == task);

    private static Dictionary<string, IMetric> CreateIndex()
    {
        var index = new Dictionary<string, IMetric>(Catalog.Length, StringComparer.OrdinalIgnoreCase);
        foreach (var metric in Catalog)
        {
            index.Add(metric.Name, metric);
        }

        return index;
    }

    /// <summary>The known name nearest to <paramref name="name"/> (ignoring case), if one is close.</summary>
    private static string? Closest(string name) => NameSuggestions.Closest(name, Names);
}
