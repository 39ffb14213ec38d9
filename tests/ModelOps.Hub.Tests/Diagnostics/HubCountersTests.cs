using System.Diagnostics.Metrics;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.Tests.Infrastructure;
using ModelOps.Store.Groups;

namespace ModelOps.Hub.Tests.Diagnostics;

public sealed class HubCountersTests() : HubTests(new SqliteHub())
{
    [Fact]
    public void Instruments_AfterEveryKindOfEvent_ReportTheSnapshotsFigures()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var counters = new HubCounters(factory);
        using var measured = new Measurements(factory);
        var champion = counters.Member("rides", "bike", 1, GroupRole.Champion);
        var challenger = counters.Member("rides", "bike", 2, GroupRole.Challenger);
        var shadow = counters.Member("rides", "bike", 3, GroupRole.Shadow);
        champion.Request(3);
        champion.Answered(TimeSpan.FromMilliseconds(4));
        challenger.Request(2);
        challenger.Answered(TimeSpan.FromMilliseconds(6));
        champion.Scored(TimeSpan.FromMilliseconds(1), failed: false);
        shadow.Scored(TimeSpan.FromMilliseconds(2), failed: true);
        counters.Enqueued();
        counters.Enqueued();
        counters.Enqueued();
        counters.Committed(requests: 2, rows: 7);
        counters.Failed(requests: 1);
        counters.Rejected();
        counters.ShapBatch(requests: 4, rows: 9);

        var observed = measured.Observe();

        var snapshot = counters.Snapshot();
        Assert.Equal((2, 5, 0, 7, 1, 1, 1, 1, 1, 4), (snapshot.PredictRequests, snapshot.PredictRecords, snapshot.QueuedRequests, snapshot.RowsCommitted, snapshot.Batches, snapshot.RejectedQueueFull, snapshot.WriteFailures, snapshot.ScoringErrors, snapshot.ShapBatches, snapshot.ShapRequests));
        Assert.Same(champion, counters.Member("rides", "bike", 1, GroupRole.Champion));
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["modelops.predict.requests{group=rides,model=bike,version=1,role=champion}"] = 1,
                ["modelops.predict.requests{group=rides,model=bike,version=2,role=challenger}"] = 1,
                ["modelops.predict.records{group=rides,model=bike,version=1,role=champion}"] = 3,
                ["modelops.predict.records{group=rides,model=bike,version=2,role=challenger}"] = 2,
                ["modelops.scoring.errors{group=rides,model=bike,version=1,role=champion}"] = 0,
                ["modelops.scoring.errors{group=rides,model=bike,version=2,role=challenger}"] = 0,
                ["modelops.scoring.errors{group=rides,model=bike,version=3,role=shadow}"] = 1,
                ["modelops.inference_log.queue_depth{}"] = 0,
                ["modelops.inference_log.rejected{}"] = 1,
                ["modelops.inference_log.write_failures{}"] = 1,
            },
            observed);
        Assert.Equal(
            [
                "modelops.predict.duration{group=rides,model=bike,version=1,role=champion} 0.004",
                "modelops.predict.duration{group=rides,model=bike,version=2,role=challenger} 0.006",
                "modelops.scoring.duration{group=rides,model=bike,version=1,role=champion} 0.001",
                "modelops.scoring.duration{group=rides,model=bike,version=3,role=shadow} 0.002",
                "modelops.inference_log.commit_batch_rows{} 7",
                "modelops.shap.batch_rows{} 9",
                "modelops.shap.batch_scorings{} 4",
            ],
            measured.Recorded);
    }

    [Fact]
    public async Task Instruments_OfARunningHub_CountItsPredictions()
    {
        await Hub.CreateBikeGroupAsync("rides", championWeight: 100, shadow: true);
        const string Body = """{"records":[{"season":1,"hr":3,"weekday":6,"workingday":0,"weathersit":1,"temp":0.2,"hum":0.8,"windspeed":0},{"season":2,"hr":17,"weekday":2,"workingday":1,"weathersit":2,"temp":0.6,"hum":0.4,"windspeed":0.1}]}""";
        using var measured = new Measurements(Hub.Services.GetRequiredService<IMeterFactory>());

        using var response = await Hub.Predictor.PostAsync("/api/groups/rides/predict", HubHost.Json(Body));
        response.EnsureSuccessStatusCode();

        var observed = measured.Observe();
        Assert.Equal(1, observed["modelops.predict.requests{group=rides,model=bike,version=1,role=champion}"]);
        Assert.Equal(0, observed["modelops.predict.requests{group=rides,model=bike,version=2,role=challenger}"]);
        Assert.Equal(2, observed["modelops.predict.records{group=rides,model=bike,version=1,role=champion}"]);
        Assert.Equal(0, observed["modelops.inference_log.queue_depth{}"]);
        Assert.Equal(0, observed["modelops.scoring.errors{group=rides,model=bike,version=3,role=shadow}"]);
        Assert.Equal(0, observed["modelops.worker.slots{}"]);
        Assert.Equal(1, observed["modelops.routing.groups{}"]);
        Assert.Equal(
            ["modelops.inference_log.commit_batch_rows{} 4", "modelops.predict.duration{group=rides,model=bike,version=1,role=champion}", "modelops.scoring.duration{group=rides,model=bike,version=1,role=champion}", "modelops.scoring.duration{group=rides,model=bike,version=3,role=shadow}", "modelops.shap.batch_rows{} 2", "modelops.shap.batch_rows{} 2", "modelops.shap.batch_scorings{} 1", "modelops.shap.batch_scorings{} 1"],
            measured.Recorded.Select(r => r.StartsWith("modelops.inference_log", StringComparison.Ordinal) || r.StartsWith("modelops.shap", StringComparison.Ordinal) ? r : r[..r.LastIndexOf(' ')]).Order(StringComparer.Ordinal));
    }

    /// <summary>The instruments of the meters one factory made: what they record as it happens, and their observed values on demand.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<string> _recorded = [];
        private Dictionary<string, double>? _observed;

        public Measurements(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HubCounters.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        /// <summary>What the histograms recorded, in order: <c>name{labels} value</c>.</summary>
        public IReadOnlyList<string> Recorded
        {
            get
            {
                lock (_recorded)
                {
                    return [.. _recorded];
                }
            }
        }

        /// <summary>The current value of every observable instrument, by <c>name{labels}</c>.</summary>
        public Dictionary<string, double> Observe()
        {
            _observed = [];
            _listener.RecordObservableInstruments();
            var observed = _observed;
            _observed = null;
            return observed;
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new List<string>();
            foreach (var tag in tags)
            {
                labels.Add($"{tag.Key}={tag.Value}");
            }

            var key = $"{instrument.Name}{{{string.Join(',', labels)}}}";
            if (instrument.IsObservable)
            {
                _observed?.Add(key, value);
                return;
            }

            lock (_recorded)
            {
                _recorded.Add(FormattableString.Invariant($"{key} {value}"));
            }
        }
    }
}
