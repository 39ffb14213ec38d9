using System.Runtime.CompilerServices;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// A merged configuration: the YAML node tree made by <see cref="ConfigLoader"/> and, for every
/// node, the source (file path or <c>--extras[i]</c>) it came from, so problems found later (by
/// the binder) name the right file and line.
/// </summary>
public sealed class ConfigDocument
{
    private readonly ConditionalWeakTable<YamlNode, string> _origins;

    internal ConfigDocument(YamlNode root, ConditionalWeakTable<YamlNode, string> origins, string defaultSource)
    {
        Root = root;
        _origins = origins;
        DefaultSource = defaultSource;
    }

    /// <summary>The root node of the merged tree.</summary>
    public YamlNode Root { get; }

    /// <summary>The source named for nodes whose origin is not recorded (the first source).</summary>
    public string DefaultSource { get; }

    /// <summary>The file path or extras name that <paramref name="node"/> came from.</summary>
    public string SourceOf(YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return _origins.TryGetValue(node, out var source) ? source : DefaultSource;
    }

    /// <summary>A problem at <paramref name="node"/> (its source and 1-based line).</summary>
    public ConfigProblem Problem(YamlNode node, string path, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ConfigProblem(SourceOf(node), (int)node.Start.Line, path, message);
    }
}
