using ModelOps.Core.Explain;
using ModelOps.Core.Learning;
using ModelOps.Hub.Diagnostics;
using ModelOps.Hub.Scoring;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Scoring;

public sealed class ShapExplainersTests
{
    [Fact]
    public async Task ExplainAsync_ConcurrentRequestsOfMixedSizes_EachGetsExactlyTheOneShotValues()
    {
        var counters = new HubCounters();
        var explainers = new ShapExplainers(counters);
        var model = TestModels.Bike[0];
        var loaded = TestModels.Loaded(model);
        var pipeline = model.Pipeline!;
        var rows = TestModels.BikeRows(400);
        // 1 to 4 rows per request, and a few of 70 (more than a batch: explained alone).
        var requests = Enumerable.Range(0, 120)
            .Select(i => i % 40 == 39 ? rows.Take([.. Enumerable.Range(i, 70)]) : rows.Take([.. Enumerable.Range(2 * i, 1 + (i % 4))]))
            .ToArray();

        var answers = await Task.WhenAll(requests.Select(r => Task.Run(() => explainers.ExplainAsync(loaded, pipeline.Transform(r)))));

        for (var i = 0; i < requests.Length; i++)
        {
            var alone = ShapExplainer.Explain(model, requests[i]);
            Assert.Equal(requests[i].RowCount, answers[i].Rows);
            Assert.Equal(alone.BaseValue, answers[i].BaseValue);
            Assert.Equal(alone.Names, answers[i].Names);
            Assert.Equal(alone.Values.ToArray(), answers[i].Values.ToArray());
        }

        // Every request but the three large ones went through a batch.
        var counted = counters.Snapshot();
        Assert.Equal(117, counted.ShapRequests);
        Assert.InRange(counted.ShapBatches, 1, 117);
    }

    [Fact]
    public async Task ExplainAsync_OneRequestAtATime_ExplainedAtOnceInABatchOfItsOwn()
    {
        var counters = new HubCounters();
        var explainers = new ShapExplainers(counters);
        var model = TestModels.Bike[0];
        var loaded = TestModels.Loaded(model);
        var rows = TestModels.BikeRows(5);

        for (var i = 0; i < 5; i++)
        {
            var task = explainers.ExplainAsync(loaded, model.Pipeline!.Transform(rows.Take([i])));

            // No other request is waiting, so the caller's own thread explained it before returning.
            Assert.True(task.IsCompletedSuccessfully);
            Assert.Equal(ShapExplainer.Explain(model, rows.Take([i])).Values.ToArray(), (await task).Values.ToArray());
        }

        Assert.Equal(5, counters.Snapshot().ShapBatches);
        Assert.Equal(5, counters.Snapshot().ShapRequests);
    }

    [Fact]
    public async Task ExplainAsync_RowsTheExplainerRejects_TheRequestFailsWithItsMessageAndTheNextSucceeds()
    {
        var counters = new HubCounters();
        var explainers = new ShapExplainers(counters);
        var model = TestModels.Bike[0];
        var loaded = TestModels.Loaded(model);
        var rows = TestModels.BikeRows(1);
        var features = model.Pipeline!.Transform(rows);
        var narrow = new FeatureMatrix(new double[2], 1, ["a", "b"]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => explainers.ExplainAsync(loaded, narrow));
        var next = await explainers.ExplainAsync(loaded, features);

        Assert.Equal($"The model needs {features.Columns} features but a matrix of the batch has 2. (Parameter 'batch')", error.Message);
        Assert.Equal(ShapExplainer.Explain(model, rows).Values.ToArray(), next.Values.ToArray());
        Assert.Equal(1, counters.Snapshot().ShapBatches);
    }
}
