using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;

namespace ModelOps.Store.Tests.Infrastructure;

/// <summary>Small fitted models and the rows they score, for tests that register and load models (also in another process).</summary>
internal static class SmallModels
{
    /// <summary>40 rows of two columns, <c>x</c> and <c>z</c>.</summary>
    public static Frame Rows() => new(
        new Float64Column("x", [.. Enumerable.Range(0, 40).Select(i => (double)i)]),
        new Float64Column("z", [.. Enumerable.Range(0, 40).Select(i => (double)(i % 7))]));

    /// <summary>A regression tree of at most <paramref name="depth"/> levels fitted on <see cref="Rows"/>.</summary>
    public static Model Fit(int depth)
    {
        var rows = Rows();
        var target = new Float64Column("y", [.. Enumerable.Range(0, 40).Select(i => (i * 0.5) + (i % 7))]);
        var model = new Model([new PassthroughStep(["x", "z"])], new DecisionTreeRegressorOptions { MaxDepth = depth });
        model.Fit(rows, target);
        return model;
    }
}
