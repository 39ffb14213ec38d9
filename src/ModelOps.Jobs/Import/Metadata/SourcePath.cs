using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// A path into the source document, in a small JSONPath dialect: <c>$</c> (the document), then any of <c>.name</c>
/// (letters, digits, <c>_</c>, <c>-</c>), <c>['any name']</c> (quote <c>'</c> and <c>\</c> with <c>\</c>),
/// <c>[2]</c> (an item, from 0), and <c>[*]</c> or <c>.*</c> (every item of an array, every member value of an
/// object). A path with a wildcard gives many values; one without gives one value or none.
/// </summary>
internal sealed class SourcePath
{
    private readonly Segment[] _segments;

    private SourcePath(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>Whether the path has a wildcard (and so gives a list of values).</summary>
    public bool IsMany => Array.Exists(_segments, s => s.Kind == SegmentKind.Wildcard);

    /// <summary>Parses a path.</summary>
    /// <param name="text">The path.</param>
    /// <param name="path">The parsed path.</param>
    /// <param name="problem">When it does not parse: what is wrong and where (<c>'$.a..b' is not a source path: an empty name at character 4</c>).</param>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SourcePath? path, out string problem)
    {
        path = null;
        if (!text.StartsWith('$'))
        {
            problem = $"'{text}' is not a source path: it must start with $ (the document), e.g. $.metrics.accuracy";
            return false;
        }

        var segments = new List<Segment>();
        var i = 1;
        while (i < text.Length)
        {
            var start = i;
            if (text[i] == '.')
            {
                i++;
                if (i < text.Length && text[i] == '*')
                {
                    segments.Add(Segment.Wildcard);
                    i++;
                    continue;
                }

                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-'))
                {
                    i++;
                }

                if (i == start + 1)
                {
                    problem = Problem(text, start + 1, "a name must follow '.' (write other names as ['name'])");
                    return false;
                }

                segments.Add(Segment.Member(text[(start + 1)..i]));
            }
            else if (text[i] == '[')
            {
                i++;
                if (i < text.Length && text[i] == '*')
                {
                    i++;
                    if (i >= text.Length || text[i] != ']')
                    {
                        problem = Problem(text, i, "']' must follow '[*'");
                        return false;
                    }

                    i++;
                    segments.Add(Segment.Wildcard);
                }
                else if (i < text.Length && text[i] is '\'' or '"')
                {
                    var quote = text[i++];
                    var name = new StringBuilder();
                    while (i < text.Length && text[i] != quote)
                    {
                        if (text[i] == '\\' && i + 1 < text.Length)
                        {
                            i++;
                        }

                        name.Append(text[i++]);
                    }

                    if (i + 1 >= text.Length || text[i + 1] != ']')
                    {
                        problem = Problem(text, start, $"the quoted name is not closed with {quote}]");
                        return false;
                    }

                    i += 2;
                    segments.Add(Segment.Member(name.ToString()));
                }
                else
                {
                    var digits = i;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    if (i == digits || i >= text.Length || text[i] != ']'
                        || !int.TryParse(text.AsSpan(digits, i - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    {
                        problem = Problem(text, start, "brackets hold an index from 0, *, or a quoted name");
                        return false;
                    }

                    i++;
                    segments.Add(Segment.Item(index));
                }
            }
            else
            {
                problem = Problem(text, i, $"'{text[i]}' is unexpected; use .name, ['name'], [0] or [*]");
                return false;
            }
        }

        path = new SourcePath(text, [.. segments]);
        problem = string.Empty;
        return true;
    }

    /// <summary>
    /// The values at the path: one for a path without wildcards, one per item or member for each wildcard. A value that
    /// is not there is a <see cref="SourceValue"/> without a value, which says why (<c>$.model_performance.acc does not
    /// exist ($.model_performance has accuracy, f1_score)</c>); a wildcard over something that is not an array or object
    /// gives one such value.
    /// </summary>
    public List<SourceValue> Evaluate(JsonElement root)
    {
        var values = new List<SourceValue>();
        Walk(root, 0, "$", values);
        return values;
    }

    /// <summary>The text of a member segment: <c>.name</c> when it is plain, else <c>['name']</c>.</summary>
    public static string MemberText(string name)
    {
        var plain = name.Length > 0;
        foreach (var c in name)
        {
            plain &= char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
        }

        return plain ? "." + name : "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";
    }

    private static string Problem(string text, int index, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"'{text}' is not a source path: at character {index + 1}, {what}");

    private void Walk(JsonElement node, int depth, string at, List<SourceValue> values)
    {
        if (depth == _segments.Length)
        {
            values.Add(new SourceValue(at, node, null));
            return;
        }

        var segment = _segments[depth];
        switch (segment.Kind)
        {
            case SegmentKind.Member when node.ValueKind == JsonValueKind.Object:
                if (node.TryGetProperty(segment.Name!, out var member))
                {
                    Walk(member, depth + 1, at + MemberText(segment.Name!), values);
                }
                else
                {
                    values.Add(Missing(at + MemberText(segment.Name!), $"{at} has {Members(node)}"));
                }

                break;
            case SegmentKind.Item when node.ValueKind == JsonValueKind.Array:
                var count = node.GetArrayLength();
                var itemAt = string.Create(CultureInfo.InvariantCulture, $"{at}[{segment.Index}]");
                if (segment.Index < count)
                {
                    Walk(node[segment.Index], depth + 1, itemAt, values);
                }
                else
                {
                    values.Add(Missing(itemAt, count == 1 ? $"{at} has 1 item" : string.Create(CultureInfo.InvariantCulture, $"{at} has {count} items")));
                }

                break;
            case SegmentKind.Wildcard when node.ValueKind == JsonValueKind.Array:
                var index = 0;
                foreach (var item in node.EnumerateArray())
                {
                    Walk(item, depth + 1, string.Create(CultureInfo.InvariantCulture, $"{at}[{index++}]"), values);
                }

                break;
            case SegmentKind.Wildcard when node.ValueKind == JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    Walk(property.Value, depth + 1, at + MemberText(property.Name), values);
                }

                break;
            default:
                var next = segment.Kind switch
                {
                    SegmentKind.Member => at + MemberText(segment.Name!),
                    SegmentKind.Item => string.Create(CultureInfo.InvariantCulture, $"{at}[{segment.Index}]"),
                    _ => at + "[*]",
                };
                var expected = segment.Kind switch
                {
                    SegmentKind.Member => "an object",
                    SegmentKind.Item => "an array",
                    _ => "an array or an object",
                };
                values.Add(Missing(next, $"{at} is {Kind(node)}, not {expected}"));
                break;
        }
    }

    private static SourceValue Missing(string at, string why) => new(at, null, $"{at} does not exist ({why})");

    /// <summary>"accuracy, f1_score, roc_auc" (the first 12 member names), or "no members".</summary>
    private static string Members(JsonElement obj)
    {
        var names = new List<string>();
        var count = 0;
        foreach (var property in obj.EnumerateObject())
        {
            if (count++ < 12)
            {
                names.Add(property.Name);
            }
        }

        return count == 0 ? "no members" : string.Join(", ", names) + (count > 12 ? string.Create(CultureInfo.InvariantCulture, $", ... ({count} members)") : string.Empty);
    }

    /// <summary>What a value is: <c>a string</c>, <c>a number</c>, <c>an array</c>, ...</summary>
    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private enum SegmentKind
    {
        Member,
        Item,
        Wildcard,
    }

    private readonly record struct Segment(SegmentKind Kind, string? Name, int Index)
    {
        public static readonly Segment Wildcard = new(SegmentKind.Wildcard, null, 0);

        public static Segment Member(string name) => new(SegmentKind.Member, name, 0);

        public static Segment Item(int index) => new(SegmentKind.Item, null, index);
    }
}

/// <summary>A value found at a source path, or where and why there is none.</summary>
/// <param name="Path">The value's own path (wildcards resolved): <c>$.columns[2].name</c>.</param>
/// <param name="Value">The value; <see langword="null"/> when it does not exist.</param>
/// <param name="Missing">Why there is no value: <c>$.a.b does not exist ($.a has c, d)</c>.</param>
internal sealed record SourceValue(string Path, JsonElement? Value, string? Missing);
