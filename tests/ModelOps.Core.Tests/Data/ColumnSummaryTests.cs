using ModelOps.Core.Data;

namespace ModelOps.Core.Tests.Data;

public sealed class ColumnSummaryTests
{
    [Fact]
    public void Summarize_Numbers_GivesRangeMeanAndNulls()
    {
        var summary = ColumnSummary.Summarize(new Float64Column("temp", [0.5, null, 0.25, 0.5]));

        Assert.Equal(new ColumnSummary("temp", ColumnType.Float64, 4, 1, 2, "0.25", "0.5", 0.41666666666666669, []), summary with { Top = [] });
    }

    [Fact]
    public void Summarize_Text_GivesTopValuesMostFrequentFirst()
    {
        var summary = ColumnSummary.Summarize(new StringColumn("c", ["b", "a", "a", null, "c", "b", "a", "d"]));

        Assert.Equal(4, summary.Distinct);
        Assert.Equal(1, summary.Nulls);
        Assert.Equal([("a", 3), ("b", 2), ("c", 1)], summary.Top);
        Assert.Null(summary.Minimum);
    }

    [Fact]
    public void Summarize_DatesAndBooleans_GivesRangeAndCounts()
    {
        var dates = ColumnSummary.Summarize(new DateTimeColumn("d", [new DateTime(2012, 1, 1), new DateTime(2011, 1, 1)]));
        var flags = ColumnSummary.Summarize(new BoolColumn("f", [true, false, false]));

        Assert.Equal(("2011-01-01", "2012-01-01"), (dates.Minimum, dates.Maximum));
        Assert.Equal([("false", 2), ("true", 1)], flags.Top);
    }

    [Fact]
    public void Summarize_AllNull_HasNoRange()
    {
        var summary = ColumnSummary.Summarize(new Int64Column("x", [null, null]));

        Assert.Equal((2, 0), (summary.Nulls, summary.Distinct));
        Assert.Null(summary.Mean);
    }
}
