using System.Text.RegularExpressions;

namespace ModelOps.Store.Sql;

/// <summary>Validates the names users choose, with messages that say what is allowed.</summary>
internal static partial class Names
{
    private const int MaxLength = 200;

    public static void Experiment(string name) => Plain(name, "experiment name");

    public static void Model(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxLength || !ModelPattern().IsMatch(name))
        {
            throw Invalid($"model name '{name}' is invalid: use letters, digits, '_', '-' and '.', starting with a letter or digit (at most {MaxLength} characters)");
        }
    }

    public static void Alias(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        if (alias.Length > MaxLength || !AliasPattern().IsMatch(alias) || alias.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"alias '{alias}' is invalid: use a letter, then letters, digits, '_' or '-' ('latest' is reserved)");
        }
    }

    public static void Key(string key, string what) => Plain(key, what);

    /// <summary>Normalizes an artifact path to <c>/</c>-separated segments and rejects paths that leave the run's folder.</summary>
    public static string ArtifactPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var normalized = path.Replace('\\', '/');
        var segments = normalized.Split('/');
        var valid = normalized.Length > 0 && normalized.Length <= 1000 && !normalized.StartsWith('/');
        foreach (var segment in segments)
        {
            valid &= segment.Length > 0 && segment != "." && segment != ".." && !segment.Any(char.IsControl);
        }

        if (!valid)
        {
            throw Invalid($"artifact path '{path}' is invalid: use a relative path such as model.json or plots/roc.json, without '..'");
        }

        return normalized;
    }

    private static void Plain(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxLength || name != name.Trim() || name.Any(char.IsControl))
        {
            throw Invalid($"{what} '{name}' is invalid: use 1 to {MaxLength} printable characters without leading or trailing spaces");
        }
    }

    private static StoreException Invalid(string message) => new(StoreErrorKind.Invalid, message);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();
}
