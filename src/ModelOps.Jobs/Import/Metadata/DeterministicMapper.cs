using System.Globalization;
using System.Text.Json;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// Proposes a spec from the source's own shape, with no model: every key is normalised to snake_case and looked up in
/// <see cref="MetadataVocabulary"/>'s tables (<c>model_performance</c>, <c>perf</c>, <c>evaluation</c> hold metrics;
/// <c>input_features</c>, <c>vars</c>, <c>columns</c> hold features; ...), and each candidate's value decides how it
/// maps: an object of metrics gives one rule per metric (a percentage, by <c>%</c> or by a fraction metric's value
/// above 1 and at most 100, is scaled), a list of name/value objects one rule for all; features come from a list of
/// names, a list of objects (name, type, description, importance), a delimited string or an object by name; curves
/// from parallel arrays or lists of points; a confusion matrix from rows and labels or an object of objects.
/// </summary>
/// <remarks>
/// The walk descends objects and arrays of exactly one object (<c>[0]</c>); longer arrays are looked at as wholes.
/// Among candidates for one target the key earlier in its table wins, then the shallower one, then the earlier one in
/// the document. A value inside a container already mapped (metrics, features, a chart) is not a candidate for the
/// name, description or task. The mapper proposes only rules whose values it has seen apply.
/// </remarks>
internal sealed class DeterministicMapper
{
    private const int MaxDepth = 12;

    private readonly List<Node> _nodes = [];
    private readonly List<string> _claimed = [];
    private readonly List<MappingRule> _head = [];
    private readonly List<MappingRule> _features = [];
    private readonly List<MappingRule> _metrics = [];
    private readonly List<MappingRule> _charts = [];
    private readonly List<MappingRule> _tags = [];
    private readonly HashSet<string> _metricNames = new(StringComparer.Ordinal);

    /// <summary>Proposes a spec for <paramref name="root"/>.</summary>
    public static MappingSpec Propose(JsonElement root)
    {
        var mapper = new DeterministicMapper();
        mapper.Walk(root, "$", null, 0);
        mapper.FindMetrics();
        mapper.FindFeatures();
        mapper.FindCharts();
        mapper.FindText("name", MetadataVocabulary.NameKeys);
        mapper.FindText("description", MetadataVocabulary.DescriptionKeys);
        mapper.FindTask();
        mapper.FindTags();
        return new MappingSpec([.. mapper._head, .. mapper._features, .. mapper._metrics, .. mapper._charts, .. mapper._tags]);
    }

    private void Walk(JsonElement value, string path, string? parentKey, int depth)
    {
        if (value.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            return;
        }

        foreach (var member in value.EnumerateObject())
        {
            var key = KeyNames.SnakeCase(member.Name);
            var at = path + SourcePath.MemberText(member.Name);
            _nodes.Add(new Node(at, key, parentKey, depth, member.Value, value, path));
            if (member.Value.ValueKind == JsonValueKind.Object)
            {
                Walk(member.Value, at, key, depth + 1);
            }
            else if (member.Value.ValueKind == JsonValueKind.Array && member.Value.GetArrayLength() == 1 && member.Value[0].ValueKind == JsonValueKind.Object)
            {
                Walk(member.Value[0], at + "[0]", key, depth + 1);
            }
        }
    }

    /// <summary>The nodes whose key is in <paramref name="keys"/>, best first (table order, depth, document order).</summary>
    private IEnumerable<Node> Candidates(string[] keys, bool unclaimed = true) =>
        _nodes
            .Where(n => Array.IndexOf(keys, n.Key) >= 0 && (!unclaimed || !IsClaimed(n.Path)))
            .OrderBy(n => Array.IndexOf(keys, n.Key))
            .ThenBy(n => n.Depth);

    private bool IsClaimed(string path) => _claimed.Exists(c => path == c || path.StartsWith(c + ".", StringComparison.Ordinal) || path.StartsWith(c + "[", StringComparison.Ordinal));

    private void FindMetrics()
    {
        foreach (var node in Candidates(MetadataVocabulary.MetricKeys))
        {
            if (node.Value.ValueKind == JsonValueKind.Object)
            {
                var before = _metrics.Count;
                foreach (var member in node.Value.EnumerateObject())
                {
                    var at = node.Path + SourcePath.MemberText(member.Name);
                    var value = member.Value;
                    if (value.ValueKind == JsonValueKind.Object && Field(value, MetadataVocabulary.MetricValueFields, JsonValueKind.Number) is { } field)
                    {
                        at += SourcePath.MemberText(field);
                        value = value.GetProperty(field);
                    }

                    AddMetric(at, member.Name, value);
                }

                if (_metrics.Count > before)
                {
                    _claimed.Add(node.Path);
                }
            }
            else if (IsListOfObjects(node.Value, out var first)
                && Field(first, MetadataVocabulary.MetricNameFields, JsonValueKind.String) is { } nameField
                && Field(first, MetadataVocabulary.MetricValueFields, JsonValueKind.Number) is { } valueField)
            {
                _metrics.Add(new MappingRule(node.Path, "metrics") { NameField = nameField, ValueField = valueField });
                foreach (var item in node.Value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(nameField, out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        _metricNames.Add(MetadataVocabulary.MetricName(name.GetString()!));
                    }
                }

                _claimed.Add(node.Path);
            }
        }
    }

    private void AddMetric(string at, string sourceName, JsonElement value)
    {
        var name = MetadataVocabulary.MetricName(sourceName);
        double number;
        var transform = MappingTransform.None;
        if (value.ValueKind == JsonValueKind.Number)
        {
            number = value.GetDouble();
        }
        else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Trim() is var text && text.Length > 0)
        {
            var percent = text.EndsWith('%');
            if (!double.TryParse(percent ? text[..^1].TrimEnd() : text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
            {
                return;
            }

            transform = percent ? MappingTransform.ScalePercent : MappingTransform.TextToNumber;
        }
        else
        {
            return;
        }

        if (transform != MappingTransform.ScalePercent && MetadataVocabulary.IsFraction(name) && number > 1 && number <= 100)
        {
            transform = MappingTransform.ScalePercent;
        }

        if (_metricNames.Add(name))
        {
            _metrics.Add(new MappingRule(at, "metrics." + name, transform));
        }
    }

    private void FindFeatures()
    {
        foreach (var node in Candidates(MetadataVocabulary.FeatureKeys))
        {
            var value = node.Value;
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
            {
                _features.Add(new MappingRule(node.Path, "features[].name"));
            }
            else if (IsListOfObjects(value, out var first) && Field(first, MetadataVocabulary.FeatureNameFields, JsonValueKind.String) is { } nameField)
            {
                var each = node.Path + "[*]";
                _features.Add(new MappingRule(each + SourcePath.MemberText(nameField), "features[].name"));
                if (Field(first, MetadataVocabulary.FeatureTypeFields, JsonValueKind.String) is { } typeField
                    && value.EnumerateArray().All(v => v.TryGetProperty(typeField, out var t) && t.ValueKind == JsonValueKind.String && MetadataVocabulary.TryColumnType(t.GetString()!, out _)))
                {
                    _features.Add(new MappingRule(each + SourcePath.MemberText(typeField), "features[].type", MappingTransform.ColumnType));
                }

                if (Field(first, MetadataVocabulary.FeatureDescriptionFields, JsonValueKind.String) is { } descriptionField
                    && value.EnumerateArray().All(v => v.TryGetProperty(descriptionField, out var d) && d.ValueKind == JsonValueKind.String))
                {
                    _features.Add(new MappingRule(each + SourcePath.MemberText(descriptionField), "features[].description"));
                }

                if (Field(first, MetadataVocabulary.FeatureImportanceFields, JsonValueKind.Number) is { } importanceField
                    && value.EnumerateArray().All(v => v.TryGetProperty(importanceField, out var i) && i.ValueKind == JsonValueKind.Number))
                {
                    _features.Add(new MappingRule(each + SourcePath.MemberText(importanceField), "features[].importance"));
                }
            }
            else if (value.ValueKind == JsonValueKind.String && Delimiter(value.GetString()!) is { } delimiter)
            {
                _features.Add(new MappingRule(node.Path, "features[].name", MappingTransform.SplitList) { Delimiter = delimiter });
            }
            else if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any()
                && value.EnumerateObject().All(m => m.Value.ValueKind == JsonValueKind.String && MetadataVocabulary.TryColumnType(m.Value.GetString()!, out _)))
            {
                // An object of name -> type name (pandas dtypes, a schema by column).
                _features.Add(new MappingRule(node.Path, "features[].name", MappingTransform.Keys));
                _features.Add(new MappingRule(node.Path + ".*", "features[].type", MappingTransform.ColumnType));
            }
            else
            {
                continue;
            }

            _claimed.Add(node.Path);
            return;
        }
    }

    /// <summary>The delimiter of a list of two or more names in one string: the first of <c>;</c>, <c>,</c>, <c>|</c>, new line, tab it holds.</summary>
    private static string? Delimiter(string text)
    {
        foreach (var delimiter in (string[])[";", ",", "|", "\n", "\t"])
        {
            if (text.Split(delimiter, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Length >= 2)
            {
                return delimiter;
            }
        }

        return null;
    }

    private void FindCharts()
    {
        var roc = false;
        var precisionRecall = false;
        // Curves and matrices often sit inside a metrics container (SageMaker's binary_classification_metrics): claims do not hide them.
        foreach (var node in _nodes)
        {
            var value = node.Value;
            if (value.ValueKind == JsonValueKind.Object)
            {
                roc = roc || ParallelArrays(node, MetadataNames.Roc, ("fpr", MetadataVocabulary.FprFields), ("tpr", MetadataVocabulary.TprFields));
                precisionRecall = precisionRecall || ParallelArrays(node, MetadataNames.PrecisionRecall, ("recall", MetadataVocabulary.RecallFields), ("precision", MetadataVocabulary.PrecisionFields));
            }
            else if (IsListOfObjects(value, out _) && value.GetArrayLength() >= 3)
            {
                roc = roc || Points(node, MetadataNames.Roc, ("fpr", MetadataVocabulary.FprFields), ("tpr", MetadataVocabulary.TprFields));
                precisionRecall = precisionRecall || Points(node, MetadataNames.PrecisionRecall, ("recall", MetadataVocabulary.RecallFields), ("precision", MetadataVocabulary.PrecisionFields));
            }
        }

        foreach (var node in Candidates(MetadataVocabulary.ConfusionKeys, unclaimed: false))
        {
            if (ConfusionMatrix(node))
            {
                _claimed.Add(node.Path);
                break;
            }
        }

        foreach (var node in Candidates(MetadataVocabulary.ImportanceKeys, unclaimed: false))
        {
            if (Importances(node))
            {
                _claimed.Add(node.Path);
                break;
            }
        }
    }

    /// <summary>A curve as parallel arrays of one object: <c>{"false_positive_rates": [...], "true_positive_rates": [...], "thresholds": [...]}</c>.</summary>
    private bool ParallelArrays(Node node, string kind, (string Field, string[] Keys) x, (string Field, string[] Keys) y)
    {
        var xKey = NumberArray(node.Value, x.Keys, out var length);
        var yKey = NumberArray(node.Value, y.Keys, out var yLength);
        if (xKey is null || yKey is null || xKey == yKey || length < 2 || yLength != length)
        {
            return false;
        }

        _charts.Add(new MappingRule(node.Path + SourcePath.MemberText(xKey), $"charts.{kind}[].{x.Field}"));
        _charts.Add(new MappingRule(node.Path + SourcePath.MemberText(yKey), $"charts.{kind}[].{y.Field}"));
        if (NumberArray(node.Value, MetadataVocabulary.ThresholdFields, out var thresholds) is { } thresholdKey && thresholds == length)
        {
            _charts.Add(new MappingRule(node.Path + SourcePath.MemberText(thresholdKey), $"charts.{kind}[].threshold"));
        }

        _claimed.Add(node.Path);
        return true;
    }

    /// <summary>A curve as a list of point objects: <c>[{"falsePositiveRate": 0.1, "recall": 0.8, "confidenceThreshold": 0.5}, ...]</c>.</summary>
    private bool Points(Node node, string kind, (string Field, string[] Keys) x, (string Field, string[] Keys) y)
    {
        var items = node.Value.EnumerateArray().ToList();
        var xField = CommonNumberField(items, x.Keys);
        var yField = CommonNumberField(items, y.Keys);
        if (xField is null || yField is null || xField == yField)
        {
            return false;
        }

        var each = node.Path + "[*]";
        _charts.Add(new MappingRule(each + SourcePath.MemberText(xField), $"charts.{kind}[].{x.Field}"));
        _charts.Add(new MappingRule(each + SourcePath.MemberText(yField), $"charts.{kind}[].{y.Field}"));
        if (CommonNumberField(items, MetadataVocabulary.ThresholdFields) is { } thresholdField)
        {
            _charts.Add(new MappingRule(each + SourcePath.MemberText(thresholdField), $"charts.{kind}[].threshold"));
        }

        return true;
    }

    private bool ConfusionMatrix(Node node)
    {
        var value = node.Value;
        const string target = "charts.confusion_matrix.";
        if (IsMatrix(value))
        {
            // Rows here; labels beside them in the same object.
            if (Labels(node.Parent, node.ParentPath, value.GetArrayLength()) is { } labels)
            {
                _charts.Add(labels);
                _charts.Add(new MappingRule(node.Path, target + "matrix"));
                return true;
            }

            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var member in value.EnumerateObject())
        {
            if (Array.IndexOf(MetadataVocabulary.MatrixKeys, KeyNames.SnakeCase(member.Name)) >= 0 && IsMatrix(member.Value)
                && Labels(value, node.Path, member.Value.GetArrayLength()) is { } labels)
            {
                _charts.Add(labels);
                _charts.Add(new MappingRule(node.Path + SourcePath.MemberText(member.Name), target + "matrix"));
                return true;
            }
        }

        // An object of objects: {"0": {"0": 1180, "1": 510}, "1": {...}}, rows by actual label, columns by predicted label.
        var size = value.EnumerateObject().Count();
        if (size >= 2 && value.EnumerateObject().All(row => row.Value.ValueKind == JsonValueKind.Object && row.Value.EnumerateObject().Count() == size
            && row.Value.EnumerateObject().All(cell => cell.Value.ValueKind == JsonValueKind.Number)))
        {
            _charts.Add(new MappingRule(node.Path, target + "labels[]", MappingTransform.Keys));
            _charts.Add(new MappingRule(node.Path + ".*", target + "matrix[]", MappingTransform.Values));
            return true;
        }

        return false;
    }

    /// <summary>The rule for the labels of a matrix of <paramref name="size"/> rows, found in <paramref name="holder"/> (at <paramref name="holderPath"/>).</summary>
    private static MappingRule? Labels(JsonElement holder, string holderPath, int size)
    {
        if (holder.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var member in holder.EnumerateObject())
        {
            var value = member.Value;
            if (Array.IndexOf(MetadataVocabulary.LabelKeys, KeyNames.SnakeCase(member.Name)) < 0 || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != size)
            {
                continue;
            }

            var at = holderPath + SourcePath.MemberText(member.Name);
            if (value.EnumerateArray().All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number))
            {
                return new MappingRule(at, "charts.confusion_matrix.labels");
            }

            if (IsListOfObjects(value, out var first) && Field(first, MetadataVocabulary.LabelNameFields, JsonValueKind.String) is { } field)
            {
                return new MappingRule(at + "[*]" + SourcePath.MemberText(field), "charts.confusion_matrix.labels[]");
            }
        }

        return null;
    }

    private bool Importances(Node node)
    {
        var value = node.Value;
        const string target = "charts.feature_importance[].";
        if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any() && value.EnumerateObject().All(m => m.Value.ValueKind == JsonValueKind.Number))
        {
            _charts.Add(new MappingRule(node.Path, target + "feature", MappingTransform.Keys));
            _charts.Add(new MappingRule(node.Path + ".*", target + "importance"));
            return true;
        }

        if (IsListOfObjects(value, out _))
        {
            var items = value.EnumerateArray().ToList();
            if (CommonField(items, MetadataVocabulary.ImportanceNameFields, JsonValueKind.String) is { } nameField
                && CommonNumberField(items, MetadataVocabulary.ImportanceValueFields) is { } valueField)
            {
                _charts.Add(new MappingRule(node.Path + "[*]" + SourcePath.MemberText(nameField), target + "feature"));
                _charts.Add(new MappingRule(node.Path + "[*]" + SourcePath.MemberText(valueField), target + "importance"));
                return true;
            }
        }

        return false;
    }

    private void FindText(string target, string[] keys)
    {
        foreach (var node in Candidates(keys))
        {
            if (node.Value.ValueKind == JsonValueKind.String && node.Value.GetString()!.Trim().Length > 0)
            {
                _head.Add(new MappingRule(node.Path, target));
                return;
            }
        }
    }

    private void FindTask()
    {
        var keys = MetadataVocabulary.TaskKeys;
        var best = _nodes
            .Where(n => n.Value.ValueKind == JsonValueKind.String && !IsClaimed(n.Path))
            .Select(n => (Node: n, Rank: Array.IndexOf(keys, n.Key) is var rank and >= 0 ? rank : n.ParentKey == "task" && n.Key is "name" or "type" ? 0 : -1))
            .Where(c => c.Rank >= 0 && MetadataVocabulary.TryTask(c.Node.Value.GetString()!, out _, out _))
            .OrderBy(c => c.Rank)
            .ThenBy(c => c.Node.Depth)
            .Select(c => c.Node)
            .FirstOrDefault();
        if (best is not null)
        {
            _head.Add(new MappingRule(best.Path, "task", MappingTransform.TaskName));
        }
    }

    private void FindTags()
    {
        foreach (var node in Candidates(MetadataVocabulary.TagKeys, unclaimed: false))
        {
            if (node.Value.ValueKind == JsonValueKind.Object && node.Value.EnumerateObject().Any()
                && node.Value.EnumerateObject().All(m => m.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                _tags.Add(new MappingRule(node.Path, "tags"));
                return;
            }
        }
    }

    private static bool IsListOfObjects(JsonElement value, out JsonElement first)
    {
        first = default;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || !value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Object))
        {
            return false;
        }

        first = value[0];
        return true;
    }

    private static bool IsMatrix(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() >= 2
        && value.EnumerateArray().All(row => row.ValueKind == JsonValueKind.Array && row.GetArrayLength() == value.GetArrayLength()
            && row.EnumerateArray().All(cell => cell.ValueKind == JsonValueKind.Number));

    /// <summary>The first member of <paramref name="obj"/> whose normalised name is in <paramref name="fields"/> (in their order) and whose value is of <paramref name="kind"/>.</summary>
    private static string? Field(JsonElement obj, string[] fields, JsonValueKind kind)
    {
        foreach (var field in fields)
        {
            foreach (var member in obj.EnumerateObject())
            {
                if (member.Value.ValueKind == kind && KeyNames.SnakeCase(member.Name) == field)
                {
                    return member.Name;
                }
            }
        }

        return null;
    }

    /// <summary>The field of <paramref name="fields"/> that every item has, of <paramref name="kind"/>.</summary>
    private static string? CommonField(List<JsonElement> items, string[] fields, JsonValueKind kind)
    {
        var field = Field(items[0], fields, kind);
        return field is not null && items.TrueForAll(item => item.TryGetProperty(field, out var v) && v.ValueKind == kind) ? field : null;
    }

    private static string? CommonNumberField(List<JsonElement> items, string[] fields) => CommonField(items, fields, JsonValueKind.Number);

    /// <summary>The member of <paramref name="obj"/> named by <paramref name="keys"/> that is an array of numbers.</summary>
    private static string? NumberArray(JsonElement obj, string[] keys, out int length)
    {
        length = 0;
        foreach (var key in keys)
        {
            foreach (var member in obj.EnumerateObject())
            {
                if (KeyNames.SnakeCase(member.Name) == key && member.Value.ValueKind == JsonValueKind.Array
                    && member.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number))
                {
                    length = member.Value.GetArrayLength();
                    return member.Name;
                }
            }
        }

        return null;
    }

    /// <summary>A member met on the walk.</summary>
    /// <param name="Path">Its source path.</param>
    /// <param name="Key">Its name in snake_case.</param>
    /// <param name="ParentKey">The holder's name in snake_case (<see langword="null"/> at the top).</param>
    /// <param name="Depth">How deep it is (0 at the top).</param>
    /// <param name="Value">Its value.</param>
    /// <param name="Parent">The object that holds it.</param>
    /// <param name="ParentPath">The holder's source path.</param>
    private sealed record Node(string Path, string Key, string? ParentKey, int Depth, JsonElement Value, JsonElement Parent, string ParentPath);
}
