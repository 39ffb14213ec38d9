using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Scoring;
using ModelOps.Hub.Routing;

namespace ModelOps.Hub.Scoring;

/// <summary>What one member's model made of a request's records, or why it failed.</summary>
/// <param name="Scores">The scores (<see cref="ModelScoring.ScoreAsync"/>), or <see langword="null"/> when scoring failed.</param>
/// <param name="LatencyMs">How long predicting and explaining took.</param>
/// <param name="Error">Why scoring failed, or <see langword="null"/>.</param>
internal sealed record MemberScores(ModelScores? Scores, double LatencyMs, string? Error)
{
    /// <summary>Per record: the value (regression) or the class 0/1 (classification); empty when scoring failed.</summary>
    public double[] Predictions => Scores?.Predictions ?? [];

    /// <summary>Per record, for classifiers: the positive-class probability.</summary>
    public double[]? Probabilities => Scores?.Probabilities;

    /// <summary>Exact SHAP per input column (raw output space), or <see langword="null"/> when not asked.</summary>
    public ShapValues? Shap => Scores?.Shap;
}

/// <summary>
/// Scores a frame with one member's model through <see cref="ModelScoring.ScoreAsync"/> (the inputs
/// transformed once), with exact input-level SHAP from the model's prepared explainer, batched with
/// concurrent requests (see <see cref="ShapExplainers"/>), when asked; the member's counters get the
/// scoring's duration, or its failure.
/// </summary>
internal static class ModelScorer
{
    // Per thread: the log's SHAP JSON is written into one reused buffer, then copied out as a string.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _shapBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _shapWriter;

    public static async Task<MemberScores> ScoreAsync(RouteMember member, Frame frame, bool explain, ShapExplainers explainers)
    {
        if (member.Loaded is not { } loaded)
        {
            // A member whose model cannot be loaded now (the routing snapshots retry it): its rows say so.
            member.Counters.ScoringFailed();
            return new MemberScores(null, 0, $"model {member.Member.Model}/{member.Member.Version} is not loaded: {member.LoadError}");
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            var scores = await ModelScoring.ScoreAsync(loaded.Model, frame, explain ? features => explainers.ExplainAsync(loaded, features) : null).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start);
            member.Counters.Scored(elapsed, failed: false);
            return new MemberScores(scores, elapsed.TotalMilliseconds, null);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            member.Counters.Scored(elapsed, failed: true);
            return new MemberScores(null, elapsed.TotalMilliseconds, error.Message);
        }
    }

    /// <summary>One record's SHAP values as a JSON object: input column name to value (round-trip precision).</summary>
    public static string ShapJson(ShapValues shap, int row)
    {
        var buffer = _shapBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _shapWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        shap.WriteRow(writer, row);
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
