using System.Globalization;
using ModelOps.Core.Text;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Reads typed values out of YAML nodes and records a <see cref="ConfigProblem"/> (with source,
/// line and config path) for each one that is wrong, so one pass reports every problem.
/// </summary>
internal sealed class YamlFields(string source)
{
    public string Source { get; } = source;

    public List<ConfigProblem> Problems { get; } = [];

    public void Problem(YamlNode node, string path, string message) =>
        Problems.Add(new ConfigProblem(Source, (int)node.Start.Line, path, message));

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Parses YAML (or JSON) text into its root node; a syntax error becomes a problem with its line.</summary>
    public YamlNode? ParseRoot(string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                Problems.Add(new ConfigProblem(Source, 0, string.Empty, "the document is empty"));
                return null;
            }

            return stream.Documents[0].RootNode;
        }
        catch (YamlDotNet.Core.YamlException error)
        {
            var reason = error.InnerException?.Message ?? error.Message;
            Problems.Add(new ConfigProblem(Source, (int)error.Start.Line, string.Empty, $"YAML syntax error at column {error.Start.Column}: {StripPosition(reason)}"));
            return null;
        }
    }

    /// <summary>The node as a mapping, or a problem when it is something else.</summary>
    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Problem(node, path, $"expected a mapping (key: value lines), found {Describe(node)}");
        return null;
    }

    /// <summary>Reports every key of <paramref name="mapping"/> that is not in <paramref name="known"/>, with a suggestion.</summary>
    public void RejectUnknownKeys(YamlMappingNode mapping, string path, IReadOnlyCollection<string> known)
    {
        foreach (var (key, _) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!known.Contains(name))
            {
                Problem(key, Join(path, name), $"unknown field{NameSuggestions.Hint(name, known)}");
            }
        }
    }

    public static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(YamlMappingNode mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode scalar && !IsNull(scalar))
        {
            return scalar.Value;
        }

        Problem(node, Join(path, key), $"expected text, found {Describe(node)}");
        return null;
    }

    public bool? Bool(YamlMappingNode mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out var value))
        {
            return value;
        }

        Problem(node, Join(path, key), $"expected true or false, found {Describe(node)}");
        return null;
    }

    public double? Number(YamlMappingNode mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Problem(node, Join(path, key), $"expected a number, found {Describe(node)}");
        return null;
    }

    public List<string>? Scalars(YamlMappingNode mapping, string path, string key)
    {
        var node = Child(mapping, key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, Join(path, key), $"expected a list, found {Describe(node)}");
            return null;
        }

        var values = new List<string>(sequence.Children.Count);
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { } text } scalar && !IsNull(scalar))
            {
                values.Add(text);
            }
            else
            {
                Problem(sequence.Children[i], $"{Join(path, key)}[{i}]", $"expected a single value, found {Describe(sequence.Children[i])}");
            }
        }

        return values;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an unsupported node",
    };

    /// <summary>Whether <paramref name="scalar"/> is a YAML null: unquoted empty, <c>~</c>, <c>null</c>, <c>Null</c> or <c>NULL</c>.</summary>
    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we give the line ourselves.
    private static string StripPosition(string message)
    {
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && marker >= 0 ? message[(marker + 3)..] : message;
    }
}
