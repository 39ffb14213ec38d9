using System.Diagnostics.Metrics;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Diagnostics;

public sealed class HubCountersTests() : HubTests(new SqliteHub())
{
    [Fact]
    public void Instruments_AfterEveryKindOfEvent_ReportTheSnapshotsFigures()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var counters = new HubCounters(factory);
        counters.Request(3);
        counters.Request(2);
        counters.Enqueued();
        counters.Enqueued();
        counters.Enqueued();
        counters.Committed(requests: 2, rows: 7);
        counters.Failed(requests: 1);
        counters.Rejected();
        counters.ScoringError();
        counters.ShapBatch(4);

        var measured = Measure(factory);

        var snapshot = counters.Snapshot();
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["modelops.hub.predict.requests"] = snapshot.PredictRequests,
                ["modelops.hub.predict.records"] = snapshot.PredictRecords,
                ["modelops.hub.scoring.errors"] = snapshot.ScoringErrors,
                ["modelops.hub.shap.batches"] = snapshot.ShapBatches,
                ["modelops.hub.shap.requests"] = snapshot.ShapRequests,
                ["modelops.hub.inference_log.queued_requests"] = snapshot.QueuedRequests,
                ["modelops.hub.inference_log.rows_committed"] = snapshot.RowsCommitted,
                ["modelops.hub.inference_log.batches"] = snapshot.Batches,
                ["modelops.hub.inference_log.rejected_queue_full"] = snapshot.RejectedQueueFull,
                ["modelops.hub.inference_log.write_failures"] = snapshot.WriteFailures,
            },
            measured);
        Assert.Equal((2, 5, 0, 7, 1, 1, 1, 1, 1, 4), (snapshot.PredictRequests, snapshot.PredictRecords, snapshot.QueuedRequests, snapshot.RowsCommitted, snapshot.Batches, snapshot.RejectedQueueFull, snapshot.WriteFailures, snapshot.ScoringErrors, snapshot.ShapBatches, snapshot.ShapRequests));
    }

    [Fact]
    public async Task Instruments_OfARunningHub_CountItsPredictions()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        const string Body = """{"records":[{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0},{"season":2,"hr":17,"weekday":2,"workingday":1,"weathersit":2,"temp":0.6,"hum":0.4,"windspeed":0.1}]}""";

        using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        response.EnsureSuccessStatusCode();

        var measured = Measure(Hub.Services.GetRequiredService<IMeterFactory>());
        Assert.Equal(1, measured["modelops.hub.predict.requests"]);
        Assert.Equal(2, measured["modelops.hub.predict.records"]);
        Assert.Equal(4, measured["modelops.hub.inference_log.rows_committed"]);
        Assert.Equal(0, measured["modelops.hub.inference_log.queued_requests"]);
        Assert.Equal(2, measured["modelops.hub.shap.requests"]);
    }

    /// <summary>The current value of every observable instrument of the meters <paramref name="factory"/> made.</summary>
    private static Dictionary<string, long> Measure(IMeterFactory factory)
    {
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HubCounters.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }
}
