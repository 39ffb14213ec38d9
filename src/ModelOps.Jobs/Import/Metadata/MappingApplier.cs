using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// Applies a <see cref="MappingSpec"/> to a source document: every value of the result is copied from the source
/// (transformed by its rule), so nothing is made up. What keeps a rule from applying is a <see cref="MappingProblem"/>
/// naming the rule, the path and the value; the rule's value is then left out, never guessed. Whether the result is
/// valid metadata is for <see cref="ModelMetadataSchema.Validate(JsonNode?)"/> to say.
/// </summary>
internal sealed class MappingApplier
{
    /// <summary>The longest sample of a rule's value shown to the user.</summary>
    internal const int SampleLength = 80;

    private readonly JsonElement _root;
    private readonly List<MappingProblem> _problems = [];
    private readonly Dictionary<string, (JsonNode? Value, int Rule)> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, (JsonNode? Value, int Rule)>> _maps = new(StringComparer.Ordinal)
    {
        ["metrics"] = new(StringComparer.Ordinal),
        ["tags"] = new(StringComparer.Ordinal),
    };

    private readonly Dictionary<string, List<Dictionary<string, JsonNode?>>> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Count, int Rule)> _listOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _fieldOwners = new(StringComparer.Ordinal);

    private MappingApplier(JsonElement root)
    {
        _root = root;
    }

    /// <summary>Applies <paramref name="spec"/> to <paramref name="root"/>.</summary>
    public static MappingResult Apply(JsonElement root, MappingSpec spec)
    {
        var applier = new MappingApplier(root);
        var rules = new List<RuleSample>(spec.Rules.Count);
        for (var i = 0; i < spec.Rules.Count; i++)
        {
            rules.Add(applier.ApplyRule(i, spec.Rules[i]));
        }

        return new MappingResult(applier.Build(), applier._problems, rules);
    }

    private RuleSample ApplyRule(int index, MappingRule rule)
    {
        if (!SourcePath.TryParse(rule.Source, out var path, out var pathProblem))
        {
            Problem(index, pathProblem);
            return new RuleSample(rule, null, 0);
        }

        var values = path.Evaluate(_root);
        var found = values.FindAll(v => v.Value is not null);
        var sample = new RuleSample(rule, found.Count > 0 ? JsonText.Short(found[0].Value!.Value, SampleLength) : null, found.Count);
        if (!TargetField.TryParse(rule.Target, out var target, out var targetProblem))
        {
            Problem(index, targetProblem);
            return sample;
        }

        if (!CheckOptions(index, rule, target))
        {
            return sample;
        }

        var missing = values.FindAll(v => v.Value is null);
        if (missing.Count > 0)
        {
            Problem(index, missing.Count == 1 ? missing[0].Missing! : string.Create(CultureInfo.InvariantCulture, $"{missing[0].Missing} (and {missing.Count - 1} more of the {values.Count} values)"));
        }

        if (found.Count == 0)
        {
            return sample;
        }

        if (!path.IsMany || target.TakesList || target.Kind == TargetKind.Map)
        {
            switch (target.Kind)
            {
                case TargetKind.Scalar:
                    Set(index, rule, target, _scalars, target.Text, found[0]);
                    break;
                case TargetKind.MapEntry:
                    var map = _maps[target.Container];
                    var key = target.Container == "metrics" ? MetadataVocabulary.MetricName(target.Field!) : target.Field!;
                    Set(index, rule, target, map, key, found[0]);
                    break;
                case TargetKind.Map:
                    foreach (var value in found)
                    {
                        AddEntries(index, rule, target, value);
                    }

                    break;
                case TargetKind.Whole:
                    Set(index, rule, target, _scalars, target.Text, found[0]);
                    break;
                default:
                    FillList(index, rule, target, path.IsMany, values);
                    break;
            }
        }
        else
        {
            Problem(index, string.Create(CultureInfo.InvariantCulture, $"{rule.Source} gives {found.Count} values but {rule.Target} takes one; name one value (e.g. [0] instead of [*]) or use a list target"));
        }

        return sample;
    }

    private bool CheckOptions(int index, MappingRule rule, TargetField target)
    {
        var ok = true;
        if (rule.Delimiter is not null && rule.Transform != MappingTransform.SplitList)
        {
            Problem(index, "delimiter is an option of split_list only");
            ok = false;
        }

        if (rule.Delimiter is { Length: 0 })
        {
            Problem(index, "delimiter is empty");
            ok = false;
        }

        if ((rule.NameField is not null || rule.ValueField is not null) && target.Kind != TargetKind.Map)
        {
            Problem(index, "name_field and value_field are options of the metrics and tags targets only");
            ok = false;
        }

        if (target.Kind == TargetKind.Map && rule.Transform is not (MappingTransform.None or MappingTransform.ScalePercent or MappingTransform.TextToNumber))
        {
            Problem(index, $"{rule.Target} takes the entries of an object or of a list of objects, each value transformed by none, scale_percent or text_to_number, not {MappingTransforms.Name(rule.Transform)}");
            ok = false;
        }

        return ok;
    }

    /// <summary>Sets one value (a scalar target or one entry of a map), unless an earlier rule set it.</summary>
    private void Set(int index, MappingRule rule, TargetField target, Dictionary<string, (JsonNode? Value, int Rule)> into, string key, SourceValue value)
    {
        if (!TryTransform(index, rule, value.Path, value.Value!.Value, out var node))
        {
            return;
        }

        if (target.Container == "tags" || target.Field == "labels")
        {
            node = AsText(node);
        }

        if (into.TryGetValue(key, out var earlier))
        {
            Problem(index, $"{Describe(target, key)} is already set by rules[{earlier.Rule}]; this rule's value {JsonText.Short(node, 40)} is left out");
            return;
        }

        into[key] = (node, index);
    }

    /// <summary>The entries of an object (<c>{"accuracy": 0.9}</c>) or a list of objects (<c>[{"key": "accuracy", "value": 0.9}]</c>).</summary>
    private void AddEntries(int index, MappingRule rule, TargetField target, SourceValue container)
    {
        var value = container.Value!.Value;
        var entries = new List<(string Name, string Path, JsonElement? Value, string? Missing)>();
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in value.EnumerateObject())
            {
                var at = container.Path + SourcePath.MemberText(member.Name);
                entries.Add(rule.ValueField is null ? (member.Name, at, member.Value, null) : Field(member.Name, at, member.Value, rule.ValueField));
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            var nameField = rule.NameField ?? "name";
            var valueField = rule.ValueField ?? "value";
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"{container.Path}[{i++}]");
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(nameField, out var name) || name.ValueKind != JsonValueKind.String)
                {
                    Problem(index, $"{at} has no text member '{nameField}' to name the entry (it is {JsonText.Short(item, 60)}); set name_field");
                    continue;
                }

                entries.Add(Field(name.GetString()!, at, item, valueField));
            }
        }
        else
        {
            Problem(index, $"{container.Path} is {ModelMetadataSchema.Got(value)}; {rule.Target} takes an object of entries or a list of objects");
            return;
        }

        var map = _maps[target.Container];
        foreach (var (name, at, entry, missing) in entries)
        {
            if (entry is null)
            {
                Problem(index, missing!);
                continue;
            }

            if (!TryTransform(index, rule, at, entry.Value, out var node))
            {
                continue;
            }

            var key = target.Container == "metrics" ? MetadataVocabulary.MetricName(name) : name;
            if (target.Container == "tags")
            {
                node = AsText(node);
            }

            if (map.TryGetValue(key, out var earlier))
            {
                Problem(index, $"{Describe(target, key)} is already set by rules[{earlier.Rule}]; {at} is left out");
                continue;
            }

            map[key] = (node, index);
        }

        static (string, string, JsonElement?, string?) Field(string name, string at, JsonElement item, string field)
        {
            var fieldAt = at + SourcePath.MemberText(field);
            return item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var inner)
                ? (name, fieldAt, inner, null)
                : (name, fieldAt, null, $"{fieldAt} does not exist ({at} is {JsonText.Short(item, 60)}); value_field names the member that holds each value");
        }
    }

    /// <summary>Fills one field of each item of a list target, or the items of a whole list (<c>labels[]</c>).</summary>
    private void FillList(int index, MappingRule rule, TargetField target, bool many, List<SourceValue> values)
    {
        var makesList = rule.Transform is MappingTransform.SplitList or MappingTransform.Keys or MappingTransform.Values;
        var items = new List<JsonNode?>();
        foreach (var value in values)
        {
            if (value.Value is not { } element)
            {
                items.Add(null);
                continue;
            }

            if (makesList)
            {
                var ok = TryTransform(index, rule, value.Path, element, out var node);
                if (ok && !many && node is JsonArray list)
                {
                    foreach (var item in list)
                    {
                        items.Add(item?.DeepClone());
                    }
                }
                else
                {
                    items.Add(ok ? node : null);
                }
            }
            else if (!many && element.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var at = string.Create(CultureInfo.InvariantCulture, $"{value.Path}[{i++}]");
                    items.Add(TryTransform(index, rule, at, item, out var node) ? node : null);
                }
            }
            else
            {
                items.Add(TryTransform(index, rule, value.Path, element, out var node) ? node : null);
            }
        }

        if (target.Kind == TargetKind.EachItem)
        {
            var list = new JsonArray();
            foreach (var item in items)
            {
                if (item is not null)
                {
                    list.Add(target.Field == "labels" ? AsText(item) : item);
                }
            }

            if (_scalars.TryGetValue(target.Container + "." + target.Field, out var earlier))
            {
                Problem(index, $"{target.Container}.{target.Field} is already set by rules[{earlier.Rule}]; this rule's values are left out");
                return;
            }

            _scalars[target.Container + "." + target.Field] = (list, index);
            return;
        }

        if (!_lists.TryGetValue(target.Container, out var rows))
        {
            rows = [];
            for (var i = 0; i < items.Count; i++)
            {
                rows.Add(new Dictionary<string, JsonNode?>(StringComparer.Ordinal));
            }

            _lists[target.Container] = rows;
            _listOwners[target.Container] = (items.Count, index);
        }
        else if (rows.Count != items.Count)
        {
            var owner = _listOwners[target.Container];
            Problem(index, string.Create(CultureInfo.InvariantCulture, $"{rule.Source} gives {items.Count} values but {target.Container}[] has {rows.Count} items (from rules[{owner.Rule}]); the first {Math.Min(rows.Count, items.Count)} are paired"));
        }

        var fieldKey = target.Text;
        if (_fieldOwners.TryGetValue(fieldKey, out var fieldOwner))
        {
            Problem(index, $"{target.Text} is already set by rules[{fieldOwner}]; this rule's values are left out");
            return;
        }

        _fieldOwners[fieldKey] = index;
        for (var i = 0; i < Math.Min(rows.Count, items.Count); i++)
        {
            if (items[i] is { } item)
            {
                rows[i][target.Field!] = item;
            }
        }
    }

    private bool TryTransform(int index, MappingRule rule, string at, JsonElement value, out JsonNode? node)
    {
        if (ValueTransforms.TryApply(rule, value, out node, out var why))
        {
            return true;
        }

        Problem(index, $"{at} {why}");
        return false;
    }

    private static JsonNode? AsText(JsonNode? node) => node switch
    {
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => JsonValue.Create(value.ToJsonString()),
        JsonArray list => new JsonArray([.. list.Select(item => AsText(item?.DeepClone()))]),
        _ => node,
    };

    private static string Describe(TargetField target, string key) => target.Container is "metrics" or "tags" ? $"{target.Container}.{key}" : target.Text;

    private void Problem(int rule, string message) => _problems.Add(new MappingProblem(rule, message));

    /// <summary>The mapped document, its members in schema order whatever the rules' order.</summary>
    private JsonObject Build()
    {
        var document = new JsonObject();
        foreach (var member in (string[])["name", "description", "task"])
        {
            if (_scalars.TryGetValue(member, out var value))
            {
                document[member] = value.Value;
            }
        }

        if (List("features") is { } features)
        {
            document["features"] = features;
        }

        foreach (var map in (string[])["metrics", "charts", "tags"])
        {
            if (map == "charts")
            {
                var charts = new JsonObject();
                foreach (var kind in (string[])[MetadataNames.Roc, MetadataNames.PrecisionRecall, MetadataNames.FeatureImportance])
                {
                    if (List("charts." + kind) is { } list)
                    {
                        charts[kind] = list;
                    }
                }

                var confusion = new JsonObject();
                foreach (var field in (string[])["labels", "matrix"])
                {
                    if (_scalars.TryGetValue("charts.confusion_matrix." + field, out var value))
                    {
                        confusion[field] = value.Value;
                    }
                }

                if (confusion.Count > 0)
                {
                    charts[MetadataNames.ConfusionMatrix] = confusion;
                }

                if (charts.Count > 0)
                {
                    document["charts"] = charts;
                }

                continue;
            }

            if (_maps[map].Count > 0)
            {
                var entries = new JsonObject();
                foreach (var (key, value) in _maps[map])
                {
                    entries[key] = value.Value;
                }

                document[map] = entries;
            }
        }

        return document;
    }

    private JsonArray? List(string container)
    {
        if (!_lists.TryGetValue(container, out var rows) || rows.Count == 0)
        {
            return null;
        }

        var list = new JsonArray();
        foreach (var row in rows)
        {
            var item = new JsonObject();
            foreach (var field in TargetField.ListFields[container])
            {
                if (row.TryGetValue(field, out var value))
                {
                    item[field] = value;
                }
            }

            list.Add(item);
        }

        return list;
    }
}

/// <summary>What applying a spec gave: the mapped document, the problems, and each rule with a sample of its value.</summary>
internal sealed record MappingResult(JsonObject Mapped, IReadOnlyList<MappingProblem> Problems, IReadOnlyList<RuleSample> Rules);
