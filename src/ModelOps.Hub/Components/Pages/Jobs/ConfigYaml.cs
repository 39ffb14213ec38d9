using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelOps.Hub.Components.Pages.Jobs;

/// <summary>
/// The YAML the Build a model form writes: block mappings and lists, scalar lists in flow style
/// (<c>columns: [temp, hum]</c>), the way <c>configs/</c> reads. A scalar is written plain when YAML reads it back as
/// the same string (or as the number or boolean the field holds), else double-quoted.
/// </summary>
internal abstract partial record ConfigYaml
{
    /// <summary>The document: <c>job:</c> and the job's fields under it.</summary>
    public static string Document(ConfigYaml job)
    {
        var text = new StringBuilder();
        Write(text, new ConfigYamlMap([new("job", job)]), 0);
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> as a YAML scalar of <paramref name="type"/>: a number or boolean as itself when it reads
    /// as one (else quoted, so the config says the value is not a number); a string plain when that is safe, else quoted.
    /// </summary>
    public static string Scalar(string text, ConfigScalarType type)
    {
        var isNumber = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !text.Contains(',', StringComparison.Ordinal);
        var isBoolean = text is "true" or "false";
        return type switch
        {
            ConfigScalarType.Number or ConfigScalarType.Integer when isNumber => text,
            ConfigScalarType.Boolean when isBoolean => text,
            ConfigScalarType.Any when isNumber || isBoolean => text,
            _ when PlainSafe().IsMatch(text) && !LooksTyped(text) => text,
            _ => JsonSerializer.Serialize(text),
        };
    }

    // A plain scalar YAML could read as something other than a string: a number, a boolean or null (YAML 1.1 too).
    private static bool LooksTyped(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~" or ".nan" or ".inf" or "-.inf";

    // Letters, digits and a few marks, no indicator first (not even '-'), no ": " or " #", nothing flow style would split on.
    [GeneratedRegex(@"^[A-Za-z0-9_./$][A-Za-z0-9_./$\- ]*(?<! )$")]
    private static partial Regex PlainSafe();

    private static void Write(StringBuilder text, ConfigYamlMap map, int indent)
    {
        foreach (var (key, value) in map.Entries)
        {
            text.Append(' ', indent).Append(Scalar(key, ConfigScalarType.String)).Append(':');
            switch (value)
            {
                case ConfigYamlMap { Entries.Count: 0 }:
                    text.Append(" {}\n");
                    break;
                case ConfigYamlMap nested:
                    text.Append('\n');
                    Write(text, nested, indent + 2);
                    break;
                case ConfigYamlList list:
                    text.Append('\n');
                    WriteItems(text, list, indent + 2);
                    break;
                default:
                    text.Append(' ').Append(Inline(value)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteItems(StringBuilder text, ConfigYamlList list, int indent)
    {
        foreach (var item in list.Items)
        {
            switch (item)
            {
                case ConfigYamlMap { Entries.Count: > 0 } map:
                    // The item's first key on the dash's line, the others under it.
                    var nested = new StringBuilder();
                    Write(nested, map, indent + 2);
                    text.Append(' ', indent).Append("- ").Append(nested.ToString(indent + 2, nested.Length - indent - 2));
                    break;
                case ConfigYamlList inner:
                    text.Append(' ', indent).Append("-\n");
                    WriteItems(text, inner, indent + 2);
                    break;
                default:
                    text.Append(' ', indent).Append("- ").Append(Inline(item)).Append('\n');
                    break;
            }
        }
    }

    private static string Inline(ConfigYaml value) => value switch
    {
        ConfigYamlScalar scalar => scalar.Text,
        ConfigYamlFlowList flow => "[" + string.Join(", ", flow.Items) + "]",
        ConfigYamlMap { Entries.Count: 0 } => "{}",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not an inline value."),
    };
}

/// <summary>A scalar, already written as YAML (plain or quoted).</summary>
/// <param name="Text">The YAML text.</param>
internal sealed record ConfigYamlScalar(string Text) : ConfigYaml;

/// <summary>A list of scalars in flow style: <c>[temp, hum]</c>.</summary>
/// <param name="Items">The items, each already written as YAML.</param>
internal sealed record ConfigYamlFlowList(IReadOnlyList<string> Items) : ConfigYaml;

/// <summary>A block mapping.</summary>
/// <param name="Entries">Its keys and values, in order.</param>
internal sealed record ConfigYamlMap(IReadOnlyList<KeyValuePair<string, ConfigYaml>> Entries) : ConfigYaml;

/// <summary>A block list.</summary>
/// <param name="Items">Its items, in order.</param>
internal sealed record ConfigYamlList(IReadOnlyList<ConfigYaml> Items) : ConfigYaml;
