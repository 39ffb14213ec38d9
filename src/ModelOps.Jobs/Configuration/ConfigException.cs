namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Thrown when a configuration (a job config, a schema file, an <c>--extras</c> string) is wrong:
/// YAML syntax, an unknown key, a value of the wrong type, a missing field. It carries every
/// problem found in one pass; its message lists them, each with its source, line and config path.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/>.</summary>
    public ConfigException(IReadOnlyList<ConfigProblem> problems)
        : base(FormatMessage(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception for one problem.</summary>
    public ConfigException(ConfigProblem problem)
        : this([problem])
    {
    }

    /// <summary>Every problem, in document order.</summary>
    public IReadOnlyList<ConfigProblem> Problems { get; }

    private static string FormatMessage(IReadOnlyList<ConfigProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? problems[0].ToString()
            : $"{problems.Count} config problems:\n" + string.Join('\n', problems.Select(p => "  - " + p));
    }
}

/// <summary>One problem in a configuration.</summary>
/// <param name="Source">The file path or the name of the string it came from.</param>
/// <param name="Line">The 1-based line, or 0 when unknown.</param>
/// <param name="Path">The dotted config path (<c>columns.temp.maximum</c>); empty for the document itself.</param>
/// <param name="Message">What is wrong, and where possible what would be right.</param>
public sealed record ConfigProblem(string Source, int Line, string Path, string Message)
{
    /// <summary><c>source:line: path: message</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}:{Line}" : Source;
        return Path.Length == 0 ? $"{where}: {Message}" : $"{where}: {Path}: {Message}";
    }
}
