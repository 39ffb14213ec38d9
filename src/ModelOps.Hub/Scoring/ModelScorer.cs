using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Learners;
using ModelOps.Core.Learning;
using ModelOps.Hub.Routing;

namespace ModelOps.Hub.Scoring;

/// <summary>What one model made of a request's records.</summary>
/// <param name="Predictions">Per record: the value (regression) or the class 0/1 (classification).</param>
/// <param name="Probabilities">Per record, for classifiers: the positive-class probability.</param>
/// <param name="Shap">Exact SHAP per input column (raw output space), or <see langword="null"/> when not asked.</param>
/// <param name="LatencyMs">How long predicting and explaining took.</param>
/// <param name="Error">Why scoring failed, or <see langword="null"/>.</param>
internal sealed record ModelScores(double[] Predictions, double[]? Probabilities, ShapValues? Shap, double LatencyMs, string? Error);

/// <summary>Scores a frame with one member's model, with exact input-level SHAP (from the model's prepared explainer, see <see cref="ShapExplainers"/>) when asked.</summary>
internal static class ModelScorer
{
    // Per thread: the log's SHAP JSON is written into one reused buffer, then copied out as a string.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _shapBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _shapWriter;

    public static async Task<ModelScores> ScoreAsync(RouteMember member, Frame frame, bool explain, ShapExplainers explainers)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            // The pipeline checks and transforms the records once; the predictor and the prepared
            // explainer both read that matrix.
            var model = member.Model;
            var pipeline = model.Pipeline ?? throw new InvalidOperationException($"{member.Model.Kind} model is not fitted.");
            var features = pipeline.Transform(frame);
            var predictions = new double[features.Rows];
            model.Predictor!.PredictRaw(features, predictions);
            double[]? probabilities = null;
            if (model.Task == ModelTask.BinaryClassification)
            {
                probabilities = new double[predictions.Length];
                for (var i = 0; i < predictions.Length; i++)
                {
                    // The same link and threshold as Model.PredictProbability and Model.Predict.
                    probabilities[i] = Predictor.ApplyLink(model.Predictor.Link, predictions[i]);
                    predictions[i] = probabilities[i] > 0.5 ? 1 : 0;
                }
            }

            var shap = explain ? await explainers.ExplainAsync(model, features).ConfigureAwait(false) : null;
            return new ModelScores(predictions, probabilities, shap, Stopwatch.GetElapsedTime(start).TotalMilliseconds, null);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return new ModelScores([], null, null, Stopwatch.GetElapsedTime(start).TotalMilliseconds, error.Message);
        }
    }

    /// <summary>One record's SHAP values as a JSON object: input column name to value (round-trip precision).</summary>
    public static string ShapJson(ShapValues shap, int row)
    {
        var values = shap.Row(row);
        var buffer = _shapBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _shapWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        for (var i = 0; i < values.Length; i++)
        {
            writer.WriteNumber(shap.Names[i], values[i]);
        }

        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>One record's SHAP values by input column.</summary>
    public static Dictionary<string, double> ShapMap(ShapValues shap, int row)
    {
        var values = shap.Row(row);
        var map = new Dictionary<string, double>(values.Length, StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++)
        {
            map[shap.Names[i]] = values[i];
        }

        return map;
    }
}
