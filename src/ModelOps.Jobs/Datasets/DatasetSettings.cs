using ModelOps.Core.Data;
using ModelOps.Core.Learners;
using ModelOps.Jobs.Datasets.Readers;

namespace ModelOps.Jobs.Datasets;

/// <summary>
/// The settings of a reader or writer config node (<see cref="DatasetReader"/>, <see cref="DatasetWriter"/>),
/// validated in one pass that lists every problem with its config path, the same way for every <c>KIND</c>:
/// the config binder reports the problems at the node's line (see <see cref="DatasetKinds.AddDatasets"/>),
/// and a node built in code throws them in one <see cref="ArgumentException"/> before it reads or writes.
/// </summary>
public abstract record DatasetSettings
{
    /// <summary>
    /// Every problem of the settings (empty when they are valid), as <c>field: what is wrong</c>: the
    /// <c>[Range]</c> limits first, then the fields every reader (or writer) has, then the node's own.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = Parameters.CheckRanges(this);
        CollectSharedProblems(problems);
        CollectProblems(problems);
        return problems;
    }

    /// <summary>Adds the problems of the settings of a concrete reader or writer to <paramref name="problems"/>.</summary>
    protected virtual void CollectProblems(List<string> problems)
    {
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem of the settings.</summary>
    protected void ThrowIfInvalid() => OptionsValidation.ThrowIfAny(Validate(), GetType().Name, paramName: null);

    /// <summary>Adds the problems of the fields the base kind declares (a reader's <c>schema</c>).</summary>
    private protected virtual void CollectSharedProblems(List<string> problems)
    {
    }

    /// <summary>Adds a problem for an empty <c>path</c>.</summary>
    private protected static void CheckPath(List<string> problems, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add("path: must not be empty");
        }
    }

    /// <summary>Adds a problem for each empty or repeated name of the list <paramref name="field"/>.</summary>
    private protected static void CheckNames(List<string> problems, string field, IEnumerable<string>? names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names ?? [])
        {
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"{field}: has an empty name");
            }
            else if (!seen.Add(name))
            {
                problems.Add($"{field}: '{name}' is listed more than once");
            }
        }
    }

    /// <summary>Adds the problems of a file reader's <c>columns</c> and <c>column_types</c>.</summary>
    private protected static void CheckColumns(List<string> problems, IReadOnlyList<string>? columns, IReadOnlyDictionary<string, ColumnType>? columnTypes)
    {
        CheckNames(problems, "columns", columns);
        CheckNames(problems, "column_types", columnTypes?.Keys);
        foreach (var (name, type) in columnTypes ?? new Dictionary<string, ColumnType>())
        {
            if (!Enum.IsDefined(type))
            {
                problems.Add($"column_types: '{name}' is {(int)type}, not one of {ColumnTypeNames.Accepted}");
            }
        }
    }

    /// <summary>Adds the problems of a SQL reader's or writer's <c>connection</c> and <c>table</c>.</summary>
    private protected static void CheckSqlTarget(List<string> problems, string? connection, string? table)
    {
        if (!SqlDatabase.TryParse(connection, out _, out var connectionProblem))
        {
            problems.Add(connectionProblem!);
        }

        if (SqlDatabase.TableProblem(table) is { } tableProblem)
        {
            problems.Add(tableProblem);
        }
    }
}
