using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Loads a configuration from YAML files and <c>-e/--extras</c> strings (YAML or JSON): the
/// sources merge left to right (mappings key by key, recursively, the later value winning;
/// lists and single values are replaced whole; a later mapping with another <c>KIND</c> replaces
/// the earlier one whole; a later <c>key: null</c> removes the key), then <c>${env:NAME}</c> and
/// <c>${env:NAME,default}</c> in values are replaced by environment variables. Every node keeps
/// the source it came from, so later problems name the right file and line.
/// </summary>
/// <param name="environment">Reads an environment variable (null when unset).</param>
public sealed partial class ConfigLoader(Func<string, string?> environment)
{
    private readonly Func<string, string?> _environment = environment ?? throw new ArgumentNullException(nameof(environment));

    /// <summary>Creates a loader that reads the process environment.</summary>
    public ConfigLoader()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>The name under which extras string <paramref name="index"/> (0-based) is reported: <c>--extras[0]</c>.</summary>
    public static string ExtrasName(int index) => string.Create(CultureInfo.InvariantCulture, $"--extras[{index}]");

    /// <summary>Reads <paramref name="files"/> in order, then <paramref name="extras"/>, and merges them.</summary>
    /// <exception cref="ConfigException">A file is missing, a source is not valid YAML, or an environment variable is missing.</exception>
    public ConfigDocument Load(IReadOnlyList<string> files, IReadOnlyList<string>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sources = new List<ConfigSource>();
        var problems = new List<ConfigProblem>();
        foreach (var file in files)
        {
            if (File.Exists(file))
            {
                sources.Add(new ConfigSource(file, File.ReadAllText(file)));
            }
            else
            {
                problems.Add(new ConfigProblem(file, 0, string.Empty, "config file not found"));
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigException(problems);
        }

        for (var i = 0; i < (extras?.Count ?? 0); i++)
        {
            sources.Add(new ConfigSource(ExtrasName(i), extras![i]));
        }

        return Merge(sources);
    }

    /// <summary>Parses <paramref name="sources"/>, merges them left to right and substitutes environment variables.</summary>
    /// <exception cref="ConfigException">No source, a source that is not valid YAML, or a missing environment variable.</exception>
    public ConfigDocument Merge(IReadOnlyList<ConfigSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new ConfigException(new ConfigProblem("config", 0, string.Empty, "no config file given"));
        }

        var origins = new ConditionalWeakTable<YamlNode, string>();
        var problems = new List<ConfigProblem>();
        YamlNode? root = null;
        foreach (var source in sources)
        {
            var fields = new YamlFields(source.Name);
            var node = fields.ParseRoot(source.Text);
            problems.AddRange(fields.Problems);
            if (node is null)
            {
                continue;
            }

            MarkOrigin(node, source.Name, origins);
            root = root is null ? node : MergeNodes(root, node);
        }

        if (problems.Count > 0 || root is null)
        {
            throw new ConfigException(problems);
        }

        var document = new ConfigDocument(root, origins, sources[0].Name);
        Substitute(root, string.Empty, document, problems);
        return problems.Count > 0 ? throw new ConfigException(problems) : document;
    }

    private static void MarkOrigin(YamlNode node, string source, ConditionalWeakTable<YamlNode, string> origins)
    {
        foreach (var child in node.AllNodes)
        {
            origins.AddOrUpdate(child, source);
        }
    }

    // Mappings merge key by key into the earlier mapping; a later null removes the key; a mapping whose
    // KIND differs from the earlier one's, and anything that is not a mapping, replaces the earlier node.
    private static YamlNode MergeNodes(YamlNode earlier, YamlNode later)
    {
        if (earlier is not YamlMappingNode target || later is not YamlMappingNode source || ChangesKind(target, source))
        {
            return later;
        }

        foreach (var (key, value) in source.Children)
        {
            if (value is YamlScalarNode scalar && YamlFields.IsNull(scalar))
            {
                target.Children.Remove(key);
                continue;
            }

            target.Children[key] = target.Children.TryGetValue(key, out var existing) ? MergeNodes(existing, value) : value;
        }

        return target;
    }

    // Another KIND is another type with other keys: merging would keep the old type's keys, which then fail as unknown.
    private static bool ChangesKind(YamlMappingNode earlier, YamlMappingNode later) =>
        YamlFields.Child(earlier, ConfigKinds.KindKey) is YamlScalarNode { Value: var before }
        && YamlFields.Child(later, ConfigKinds.KindKey) is YamlScalarNode { Value: var after }
        && !string.Equals(before, after, StringComparison.Ordinal);

    private void Substitute(YamlNode node, string path, ConfigDocument document, List<ConfigProblem> problems)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    Substitute(value, YamlFields.Join(path, (key as YamlScalarNode)?.Value ?? string.Empty), document, problems);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Substitute(sequence.Children[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), document, problems);
                }

                break;
            case YamlScalarNode { Value: { } text } scalar when text.Contains("${env:", StringComparison.Ordinal):
                scalar.Value = EnvReference().Replace(text, match =>
                {
                    var name = match.Groups["name"].Value;
                    if (_environment(name) is { } value)
                    {
                        return value;
                    }

                    if (match.Groups["default"].Success)
                    {
                        return match.Groups["default"].Value;
                    }

                    problems.Add(document.Problem(scalar, path, $"environment variable '{name}' is not set and has no default (write ${{env:{name},default}})"));
                    return match.Value;
                });
                break;
        }
    }

    [GeneratedRegex(@"\$\{env:(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:,(?<default>[^}]*))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex EnvReference();
}
