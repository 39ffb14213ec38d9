using ModelOps.Core.Learners.Trees;

namespace ModelOps.Core.Tests.Learners.Trees;

public sealed class TreeTests
{
    // Breadth-first node order (not depth-first): 0 splits on x0 <= 1 into 1 and 2; 1 splits on x1 <= 5 into 3 and 4.
    // Node 2 is a leaf; missing x0 goes right, missing x1 goes left.
    private static Tree Sample(SplitRule rule = SplitRule.LessOrEqual) => new(
        features: [0, 1, -1, -1, -1],
        thresholds: [1.0, 5.0, 0, 0, 0],
        defaultLeft: [false, true, false, false, false],
        left: [1, 3, -1, -1, -1],
        right: [2, 4, -1, -1, -1],
        values: [0, 0, 30, 10, 20],
        covers: [10, 6, 4, 3, 3],
        gains: [1, 1, 0, 0, 0],
        rule);

    [Theory]
    [InlineData(0.5, 1.0, 3, 10.0)]
    [InlineData(1.0, 5.0, 3, 10.0)]
    [InlineData(1.0, 5.5, 4, 20.0)]
    [InlineData(2.0, 0.0, 2, 30.0)]
    [InlineData(double.NaN, 0.0, 2, 30.0)]
    [InlineData(0.0, double.NaN, 3, 10.0)]
    public void Predict_AnyNodeOrder_FollowsThresholdsAndDefaults(double x0, double x1, int leaf, double value)
    {
        var tree = Sample();

        Assert.Equal(leaf, tree.LeafIndex([x0, x1]));
        Assert.Equal(value, tree.Predict([x0, x1]));
    }

    [Fact]
    public void Predict_LessThanRule_SendsEqualValuesRight()
    {
        var tree = Sample(SplitRule.LessThan);

        Assert.Equal(30.0, tree.Predict([1.0, 0.0]));
        Assert.Equal(10.0, tree.Predict([0.5, 4.0]));
    }

    [Fact]
    public void Shape_CountsLeavesAndDepth()
    {
        var tree = Sample();

        Assert.Equal((5, 3, 2), (tree.NodeCount, tree.LeafCount, tree.Depth));
    }

    [Fact]
    public void WithoutUnreachableNodes_PrunedNodes_DropsThemAndRenumbersInOrder()
    {
        // As XGBoost leaves a tree it pruned after growing: node 1 was a split into 3 and 4, pruned
        // to a leaf; 3 and 4 stay in the arrays, reached by no path.
        var tree = new Tree(
            features: [0, -1, 1, -1, -1, -1, -1],
            thresholds: [1.0, 0, 5.0, 0, 0, 0, 0],
            defaultLeft: [false, false, true, false, false, false, false],
            left: [1, -1, 5, -1, -1, -1, -1],
            right: [2, -1, 6, -1, -1, -1, -1],
            values: [0, 7, 0, 100, 200, 10, 20],
            covers: [10, 4, 6, 2, 2, 3, 3],
            gains: [2, 0, 1, 0, 0, 0, 0]);

        var compact = tree.WithoutUnreachableNodes();

        Assert.Equal([0, -1, 1, -1, -1], compact.Features.ToArray());
        Assert.Equal([1, -1, 3, -1, -1], compact.Left.ToArray());
        Assert.Equal([2, -1, 4, -1, -1], compact.Right.ToArray());
        Assert.Equal([0, 7, 0, 10, 20], compact.Values.ToArray());
        Assert.Equal([10, 4, 6, 3, 3], compact.Covers.ToArray());
        Assert.Equal([true], compact.DefaultLeft.Slice(2, 1).ToArray());
        Assert.Equal((3, 2), (compact.LeafCount, compact.Depth));
        foreach (var row in (double[][])[[0.5, 0], [2, 4], [2, 6], [double.NaN, double.NaN]])
        {
            Assert.Equal(tree.Predict(row), compact.Predict(row));
        }
    }

    [Fact]
    public void WithoutUnreachableNodes_EveryNodeReachable_ReturnsTheTreeItself()
    {
        var tree = Sample();

        Assert.Same(tree, tree.WithoutUnreachableNodes());
    }

    [Fact]
    public void Constructor_ChildBeforeParent_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new Tree([0, -1, -1], [1, 0, 0], [false, false, false], [0, -1, -1], [2, -1, -1], [0, 1, 2], [3, 1, 2], [1, 0, 0]));

        Assert.StartsWith("Node 0 has children 0 and 2; children must come after their parent and within 0..2.", error.Message, StringComparison.Ordinal);
    }
}
