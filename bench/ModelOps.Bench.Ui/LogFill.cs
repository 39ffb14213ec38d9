using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Explain;
using ModelOps.Core.Models;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;
using ModelOps.Store.Groups;
using ModelOps.Store.Inference;

namespace ModelOps.Bench.Ui;

/// <summary>What the filled log holds, for the pages' checks: the request each filter must show first.</summary>
internal sealed record LogFacts(
    int Rows,
    string Newest,
    string NewestChallenger,
    double HighPrediction,
    int HighRows,
    string NewestHigh,
    int RareRows,
    string NewestRare,
    string Middle);

/// <summary>
/// The group 'bench-live' (bench v100 Champion 90 %, v99 Challenger 10 %) with ROWS logged predictions spread evenly
/// over the last 30 days, as the hub logs them: the bike records' inputs as JSON with a customer id
/// ("C" and 6 random digits), each model's prediction and its exact SHAP values, latency; every 50th request
/// labelled with the bike count through the store's feedback path. Appended through the store in batches of 5,000,
/// so the group's statistics are folded as in production.
/// </summary>
internal static class LogFill
{
    public const string Group = "bench-live";

    /// <summary>Typed lower-case: the customer ids starting C1234 (about 1 in 10,000 rows).</summary>
    public const string RareText = "c1234";

    public const string NoText = "no such customer";

    private static readonly string[] Inputs = ["season", "yr", "mnth", "hr", "weekday", "workingday", "weathersit", "temp", "hum", "windspeed"];

    public static async Task<LogFacts> RunAsync(string database, string root, Model model, int rows)
    {
        var clock = Stopwatch.StartNew();
        var data = Dataset.ReadCsv(Path.Combine(root, "data", "bike_sharing", "hour.csv"));
        var features = data.Select(Inputs);
        var predictions = model.Predict(features);
        var shap = ShapExplainer.Explain(model, features);
        var counts = data["cnt"];
        var inputs = new string[features.RowCount];
        var explanations = new string[features.RowCount];
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(buffer);
        for (var r = 0; r < features.RowCount; r++)
        {
            var json = new StringBuilder();
            foreach (var name in Inputs)
            {
                json.Append(",\"").Append(name).Append("\":").Append(features[name].Format(r));
            }

            inputs[r] = json.ToString();
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            shap.WriteRow(writer, r);
            writer.Flush();
            explanations[r] = Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        // The 99th percentile of the predictions, rounded: the prediction filter keeps about 1 % of the rows.
        var sorted = predictions.Order().ToArray();
        var high = Math.Round(sorted[(int)(sorted.Length * 0.99)]);

        await using var store = await StoreFactory.OpenAsync(database, new StoreOptions());
        await store.Groups.CreateGroupAsync(new NewModelGroup(Group,
            [new GroupMember("bench", 100, GroupRole.Champion, 90), new GroupMember("bench", 99, GroupRole.Challenger, 10)],
            GroupDeletionPolicy.Archive), "bench");
        var random = new Random(11);
        var end = DateTimeOffset.UtcNow;
        var start = end.AddDays(-30);
        var batch = new List<InferenceRecord>(5000);
        var labels = new List<(string Request, double Label)>();
        string newestChallenger = string.Empty, newestHigh = string.Empty, newestRare = string.Empty;
        int highRows = 0, rareRows = 0;
        for (var i = 0; i < rows; i++)
        {
            var r = i % features.RowCount;
            var request = string.Create(CultureInfo.InvariantCulture, $"req-{i:D7}");
            var customer = string.Create(CultureInfo.InvariantCulture, $"C{random.Next(1_000_000):D6}");
            var challenger = random.NextDouble() < 0.1;
            var prediction = predictions[r] + (challenger ? 5 * (random.NextDouble() - 0.5) : 0);
            var json = "{\"customer\":\"" + customer + "\"" + inputs[r] + "}";
            batch.Add(new InferenceRecord(Group, request, 0, start.AddTicks((end - start).Ticks / rows * i), "bench", challenger ? 99 : 100,
                challenger ? GroupRole.Challenger : GroupRole.Champion, null, json, prediction, null, explanations[r], 2 + (8 * random.NextDouble()), null));
            newestChallenger = challenger ? request : newestChallenger;
            (newestHigh, highRows) = prediction >= high ? (request, highRows + 1) : (newestHigh, highRows);
            (newestRare, rareRows) = json.Contains(RareText, StringComparison.OrdinalIgnoreCase) ? (request, rareRows + 1) : (newestRare, rareRows);
            if (i % 50 == 0)
            {
                labels.Add((request, ((Int64Column)counts)[r]));
            }

            if (batch.Count == 5000)
            {
                await store.InferenceLog.AppendInferencesAsync(batch);
                batch.Clear();
            }
        }

        await store.InferenceLog.AppendInferencesAsync(batch);
        var appended = clock.Elapsed;
        foreach (var (request, label) in labels)
        {
            await store.InferenceLog.SetLabelAsync(Group, request, null, label);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ui bench: {rows:N0} rows logged in group '{Group}' in {appended.TotalSeconds:F0} s, {labels.Count:N0} labelled in {(clock.Elapsed - appended).TotalSeconds:F0} s; {highRows:N0} with prediction >= {high}, {rareRows:N0} with '{RareText}'"));
        return new LogFacts(rows, string.Create(CultureInfo.InvariantCulture, $"req-{rows - 1:D7}"), newestChallenger, high, highRows, newestHigh, rareRows, newestRare,
            string.Create(CultureInfo.InvariantCulture, $"req-{rows / 2:D7}"));
    }
}
