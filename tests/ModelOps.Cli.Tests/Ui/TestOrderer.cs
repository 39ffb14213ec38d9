using Xunit.Abstractions;
using Xunit.Sdk;

namespace ModelOps.Cli.Tests.Ui;

/// <summary>The place of a test in a class run by <see cref="TestOrderer"/>: lower first (an empty list before anything is made).</summary>
/// <param name="order">Its place.</param>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TestOrderAttribute(int order) : Attribute
{
    /// <summary>Its place.</summary>
    public int Order { get; } = order;
}

/// <summary>
/// Runs a class's tests by <see cref="TestOrderAttribute"/> (unmarked ones last): UI classes whose first test sees the
/// fixture hub's empty state (no job, no group) before their other tests fill it.
/// </summary>
public sealed class TestOrderer : ITestCaseOrderer
{
    /// <inheritdoc />
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(TestOrderAttribute).AssemblyQualifiedName).FirstOrDefault()?.GetConstructorArguments().First() as int? ?? int.MaxValue);
}
