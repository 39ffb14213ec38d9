using ModelOps.Core.Search;

namespace ModelOps.Core.Tests.Search;

public sealed class ParameterSetTests
{
    private static ParameterSet Set(params (string Name, object? Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)));

    [Fact]
    public void ToString_MixedValues_InvariantText()
    {
        Assert.Equal("a=0.1, b=3, c=sqrt, d=true, e=null", Set(("a", 0.1), ("b", 3), ("c", "sqrt"), ("d", true), ("e", null)).ToString());
    }

    [Fact]
    public void Equals_SameNamesOrderAndValues_Equal()
    {
        Assert.Equal(Set(("a", 1), ("b", null)), Set(("a", 1), ("b", null)));
        Assert.Equal(Set(("a", 1), ("b", null)).GetHashCode(), Set(("a", 1), ("b", null)).GetHashCode());
        Assert.NotEqual(Set(("a", 1), ("b", null)), Set(("b", null), ("a", 1)));
        Assert.NotEqual(Set(("a", 1)), Set(("a", 2)));
    }

    [Fact]
    public void Indexer_UnknownName_ListsTheNames()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Set(("a", 1), ("b", 2))["c"]);

        Assert.Equal("The parameter set has no 'c'; it has: a, b.", error.Message);
    }

    [Fact]
    public void Constructor_RepeatedName_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Set(("a", 1), ("a", 2)));

        Assert.Equal("Parameter names must be distinct and not null; 'a' is not. (Parameter 'values')", error.Message);
    }
}
