using ModelOps.Core.Explain;
using ModelOps.Hub.Scoring;
using ModelOps.Hub.Tests.Infrastructure;

namespace ModelOps.Hub.Tests.Scoring;

public sealed class ShapExplainersTests
{
    [Fact]
    public async Task Explain_ConcurrentRequests_EachGetsExactlyTheOneShotValues()
    {
        var explainers = new ShapExplainers();
        var model = TestModels.Bike[0];
        var rows = TestModels.BikeRows(200);
        var requests = Enumerable.Range(0, 100).Select(i => rows.Take([2 * i, (2 * i) + 1])).ToArray();

        var answers = await Task.WhenAll(requests.Select(r => Task.Run(() => explainers.Explain(model, r))));

        for (var i = 0; i < requests.Length; i++)
        {
            var alone = ShapExplainer.Explain(model, requests[i]);
            Assert.Equal(alone.BaseValue, answers[i].BaseValue);
            Assert.Equal(alone.Names, answers[i].Names);
            Assert.Equal(alone.Values.ToArray(), answers[i].Values.ToArray());
        }
    }
}
