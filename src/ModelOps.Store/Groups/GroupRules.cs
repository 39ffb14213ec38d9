using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelOps.Store.Groups;

/// <summary>The rules of group names, table names and members, with messages that list every problem.</summary>
internal static partial class GroupRules
{
    public const int MaxNameLength = 48;

    public const string TablePrefix = "inference_log_";

    /// <exception cref="StoreException">The name breaks the pattern.</exception>
    public static void Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new StoreException(
                StoreErrorKind.Invalid,
                $"group name '{Printable(name)}' is invalid: use 1 to {MaxNameLength} characters of a-z, 0-9, '_' and '-'");
        }
    }

    /// <summary>Names a new group may not take: the web UI's page that creates groups is <c>/groups/new</c>.</summary>
    public static readonly IReadOnlyList<string> Reserved = ["new"];

    /// <summary>The rules of a new group's name: <see cref="Name"/>, and none of <see cref="Reserved"/>.</summary>
    /// <exception cref="StoreException">The name breaks them.</exception>
    public static void NewName(string name)
    {
        Name(name);
        if (Reserved.Contains(name))
        {
            throw new StoreException(StoreErrorKind.Invalid, $"group name '{name}' is reserved: /groups/{name} is the web UI's page that creates groups; choose another name");
        }
    }

    /// <summary>The inference-log table of a valid group name: <c>-</c> becomes <c>_</c>.</summary>
    public static string TableName(string name)
    {
        Name(name);
        return TablePrefix + name.Replace('-', '_');
    }

    /// <summary>A table name quoted for SQL; only names made by <see cref="TableName"/> or <see cref="ArchiveName"/> reach here.</summary>
    public static string Quote(string table) => TablePattern().IsMatch(table)
        ? "\"" + table + "\""
        : throw new InvalidOperationException($"'{table}' is not a valid inference-log table name.");

    public static string ArchiveName(long groupId) => string.Create(CultureInfo.InvariantCulture, $"inference_archive_{groupId}");

    /// <summary>Checks that <paramref name="archive"/> is an archive's name (<see cref="ArchiveName"/>) and returns it.</summary>
    /// <exception cref="StoreException">It is not (invalid).</exception>
    public static string Archive(string archive)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return ArchivePattern().IsMatch(archive)
            ? archive
            : throw new StoreException(StoreErrorKind.Invalid, $"'{Printable(archive)}' is not an archive name (inference_archive_<id>)");
    }

    /// <exception cref="StoreException">Any member rule is broken; the message lists them all.</exception>
    public static void Members(string group, IReadOnlyList<GroupMember> members)
    {
        var problems = MemberProblems(members);
        if (problems.Count > 0)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"group '{group}' is invalid: {string.Join("; ", problems)}");
        }
    }

    /// <summary>Every broken member rule, in the words of <see cref="Members"/>'s message.</summary>
    public static List<string> MemberProblems(IReadOnlyList<GroupMember> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var problems = new List<string>();
        var champions = 0;
        var weights = 0;
        var seen = new HashSet<(string, int)>();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var where = string.Create(CultureInfo.InvariantCulture, $"members[{i}] ({member.Model}/{member.Version})");
            if (!seen.Add((member.Model, member.Version)))
            {
                problems.Add($"{where}: listed twice");
            }

            if (member.Role == GroupRole.Champion)
            {
                champions++;
            }

            if (member.Role == GroupRole.Shadow)
            {
                if (member.Weight != 0)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: a shadow answers no traffic, so its weight must be 0 (got {member.Weight})"));
                }
            }
            else if (member.Weight is < 0 or > 100)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: weight {member.Weight} is outside 0 to 100"));
            }
            else
            {
                weights += member.Weight;
            }
        }

        if (champions != 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"a group needs exactly one champion (got {champions})"));
        }

        if (weights != 100)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the weights of the champion and challengers sum to {weights}, not 100"));
        }

        return problems;
    }

    /// <summary>The Champion first, then Challengers, then Shadows, each in the given order.</summary>
    public static List<GroupMember> Ordered(IReadOnlyList<GroupMember> members)
    {
        var ordered = new List<GroupMember>(members.Count);
        foreach (var role in (ReadOnlySpan<GroupRole>)[GroupRole.Champion, GroupRole.Challenger, GroupRole.Shadow])
        {
            foreach (var member in members)
            {
                if (member.Role == role)
                {
                    ordered.Add(member);
                }
            }
        }

        return ordered;
    }

    private static string Printable(string name)
    {
        var text = name.Length > 60 ? name[..60] + "..." : name;
        return string.Concat(text.Select(c => char.IsControl(c) ? "?" : c.ToString()));
    }

    [GeneratedRegex("^[a-z0-9_-]{1,48}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^inference_archive_[0-9]{1,19}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ArchivePattern();

    [GeneratedRegex("^(inference_log_[a-z0-9_]{1,48}|inference_archive_[0-9]{1,19})\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TablePattern();
}
