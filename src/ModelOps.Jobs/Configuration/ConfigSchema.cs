using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOps.Core.Splitting;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Generates the JSON Schema (draft 2020-12) of a config type by reflection over the same fields
/// <see cref="ConfigBinder"/> binds: objects with snake_case <c>properties</c>, <c>required</c> and
/// <c>additionalProperties: false</c>; <c>[Range]</c> limits as (exclusive) minimum and maximum
/// (a maximum of <see cref="int.MaxValue"/> or more is left out); enums by name; polymorphic
/// nodes as <c>oneOf</c> over their kinds, each requiring its <c>KIND</c> constant. Every record
/// type is in <c>$defs</c> by its C# name. The output is deterministic.
/// </summary>
public static class ConfigSchema
{
    /// <summary>The schema of <paramref name="root"/>, indented JSON.</summary>
    public static string Generate(Type root, ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(kinds);
        var defs = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var schema = new JsonObject { ["$schema"] = "https://json-schema.org/draft/2020-12/schema" };
        foreach (var (key, value) in Object(root, kinds, defs))
        {
            schema[key] = value?.DeepClone();
        }

        if (defs.Count > 0)
        {
            var all = new JsonObject();
            foreach (var (name, def) in defs)
            {
                all[name] = def;
            }

            schema["$defs"] = all;
        }

        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject For(Type type, bool allowsNull, ConfigKinds kinds, SortedDictionary<string, JsonNode> defs)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        allowsNull |= underlying != type;
        JsonObject schema;
        if (underlying == typeof(string) || underlying == typeof(bool) || underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(double) || underlying == typeof(SplitSize))
        {
            var name = underlying == typeof(string) ? "string" : underlying == typeof(bool) ? "boolean" : underlying == typeof(double) || underlying == typeof(SplitSize) ? "number" : "integer";
            return new JsonObject { ["type"] = allowsNull ? new JsonArray(name, "null") : name };
        }

        if (underlying == typeof(object))
        {
            return new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") };
        }

        if (underlying.IsEnum)
        {
            var names = new JsonArray();
            foreach (var name in Enum.GetNames(underlying))
            {
                names.Add(name);
            }

            return new JsonObject { ["enum"] = names };
        }

        if (ConfigMembers.ListElement(underlying) is { } element)
        {
            schema = new JsonObject { ["type"] = "array", ["items"] = For(element, element == typeof(object), kinds, defs) };
        }
        else if (ConfigMembers.DictionaryValue(underlying) is { } value)
        {
            schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = For(value, false, kinds, defs) };
        }
        else if (kinds.IsPolymorphic(underlying))
        {
            var choices = new JsonArray();
            foreach (var (_, concrete) in kinds.KindsOf(underlying))
            {
                choices.Add(new JsonObject { ["$ref"] = Reference(concrete, kinds, defs), ["required"] = new JsonArray(ConfigKinds.KindKey) });
            }

            schema = new JsonObject { ["oneOf"] = choices };
        }
        else
        {
            schema = new JsonObject { ["$ref"] = Reference(underlying, kinds, defs) };
        }

        return allowsNull ? new JsonObject { ["oneOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) } : schema;
    }

    private static string Reference(Type type, ConfigKinds kinds, SortedDictionary<string, JsonNode> defs)
    {
        if (!defs.ContainsKey(type.Name))
        {
            defs[type.Name] = new JsonObject(); // reserve the name first, so a type that refers to itself does not recurse
            defs[type.Name] = Object(type, kinds, defs);
        }

        return "#/$defs/" + type.Name;
    }

    private static JsonObject Object(Type type, ConfigKinds kinds, SortedDictionary<string, JsonNode> defs)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        if (kinds.KindNameOf(type) is { } kind)
        {
            properties[ConfigKinds.KindKey] = new JsonObject { ["const"] = kind };
        }

        foreach (var member in ConfigMembers.Describe(type).Members)
        {
            var schema = For(member.Type, member.AllowsNull, kinds, defs);
            if (member.Range is { } range)
            {
                var min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
                var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
                schema[range.MinimumIsExclusive ? "exclusiveMinimum" : "minimum"] = min;
                if (max < int.MaxValue)
                {
                    schema[range.MaximumIsExclusive ? "exclusiveMaximum" : "maximum"] = max;
                }
            }

            properties[member.Name] = schema;
            if (member.Required)
            {
                required.Add(member.Name);
            }
        }

        var result = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            result["required"] = required;
        }

        result["additionalProperties"] = false;
        return result;
    }
}
