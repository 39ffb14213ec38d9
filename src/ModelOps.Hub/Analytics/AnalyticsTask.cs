using System.Text.Json.Serialization;

namespace ModelOps.Hub.Analytics;

/// <summary>What the models of a group predict, which decides the quality metrics and the loss compared (serialised by name).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnalyticsTask>))]
public enum AnalyticsTask
{
    /// <summary>A real value: RMSE, MAE and R²; squared error compared.</summary>
    Regression,

    /// <summary>A binary label with P(class 1): accuracy, ROC AUC, log loss and Brier; log loss compared.</summary>
    Classification,
}
