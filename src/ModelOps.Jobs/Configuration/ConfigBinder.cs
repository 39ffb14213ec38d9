using System.Collections;
using System.Globalization;
using System.Reflection;
using ModelOps.Core.Splitting;
using ModelOps.Core.Text;
using ModelOps.Store;
using ModelOps.Store.Registry;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Binds a merged <see cref="ConfigDocument"/> to typed records, strictly: keys are the snake_case
/// names of constructor parameters and settable properties; an unknown key, a value of the wrong
/// type, a missing required field (a constructor parameter without default, a <c>required</c> or
/// <c>[Required]</c> property) and an unknown <c>KIND</c> are problems, all reported together in
/// one <see cref="ConfigException"/> with file, line and config path. A node whose type is a base
/// registered in <see cref="ConfigKinds"/> becomes the concrete type its <c>KIND</c> key names;
/// the registry's checks (a learner's <c>Validate()</c>) then run on it. A text field marked
/// <see cref="ModelReferenceAttribute"/> must parse as a model reference.
/// </summary>
/// <param name="kinds">The polymorphic types and their checks.</param>
public sealed class ConfigBinder(ConfigKinds kinds)
{
    private readonly ConfigKinds _kinds = kinds ?? throw new ArgumentNullException(nameof(kinds));

    /// <summary>Binds the whole document to <typeparamref name="T"/>.</summary>
    /// <exception cref="ConfigException">Every problem found.</exception>
    public T Bind<T>(ConfigDocument document) => (T)Bind(typeof(T), document)!;

    /// <summary>Binds the whole document to <paramref name="type"/>.</summary>
    /// <exception cref="ConfigException">Every problem found.</exception>
    public object? Bind(Type type, ConfigDocument document)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<ConfigProblem>();
        var value = new Run(_kinds, document, problems).Value(document.Root, type, string.Empty, allowsNull: false);
        return problems.Count > 0 ? throw new ConfigException(problems) : value;
    }

    private readonly struct Run(ConfigKinds kinds, ConfigDocument document, List<ConfigProblem> problems)
    {
        public object? Value(YamlNode node, Type type, string path, bool allowsNull)
        {
            if (node is YamlScalarNode scalar && YamlFields.IsNull(scalar))
            {
                if (allowsNull || (type.IsValueType && Nullable.GetUnderlyingType(type) is not null))
                {
                    return null;
                }

                return Fail(node, path, $"expected {Expected(type)}, found nothing");
            }

            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (ConfigMembers.IsScalar(underlying))
            {
                return node is YamlScalarNode single ? Scalar(single, underlying, path) : Fail(node, path, $"expected {Expected(underlying)}, found {YamlFields.Describe(node)}");
            }

            if (ConfigMembers.ListElement(underlying) is { } element)
            {
                return List(node, underlying, element, path);
            }

            if (ConfigMembers.DictionaryValue(underlying) is { } valueType)
            {
                return Dictionary(node, valueType, path);
            }

            return Object(node, underlying, path);
        }

        private object? Scalar(YamlScalarNode node, Type type, string path)
        {
            var text = node.Value ?? string.Empty;
            var plain = node.Style is ScalarStyle.Plain or ScalarStyle.Any;
            if (type == typeof(string))
            {
                return text;
            }

            if (type == typeof(object))
            {
                return !plain ? text
                    : bool.TryParse(text, out var flag) ? flag
                    : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var small) ? small
                    : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var large) ? large
                    : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) ? real
                    : text;
            }

            if (type == typeof(bool))
            {
                return bool.TryParse(text, out var flag) ? flag : Fail(node, path, $"expected true or false, found {YamlFields.Describe(node)}");
            }

            if (type == typeof(int))
            {
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : Fail(node, path, $"expected an integer, found {YamlFields.Describe(node)}");
            }

            if (type == typeof(long))
            {
                return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : Fail(node, path, $"expected an integer, found {YamlFields.Describe(node)}");
            }

            if (type == typeof(double))
            {
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : Fail(node, path, $"expected a number, found {YamlFields.Describe(node)}");
            }

            if (type == typeof(SplitSize))
            {
                // As in scikit-learn, the written form decides: 3 is a row count, 0.25 (or 3.0) a fraction.
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                {
                    return SplitSize.FromCount(count);
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction)
                    ? SplitSize.FromFraction(fraction)
                    : Fail(node, path, $"expected a row count or a fraction, found {YamlFields.Describe(node)}");
            }

            // Enums by name, ignoring case; numbers are not names.
            var names = Enum.GetNames(type);
            foreach (var name in names)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return Enum.Parse(type, name);
                }
            }

            return Fail(node, path, $"expected one of {string.Join(", ", names)}, found {YamlFields.Describe(node)}{NameSuggestions.Hint(text, names)}");
        }

        private object? List(YamlNode node, Type listType, Type element, string path)
        {
            if (node is not YamlSequenceNode sequence)
            {
                return Fail(node, path, $"expected a list, found {YamlFields.Describe(node)}");
            }

            var elementAllowsNull = !element.IsValueType || Nullable.GetUnderlyingType(element) is not null;
            var items = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var path1 = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
                items.Add(Value(sequence.Children[i], element, path1, element == typeof(object) && elementAllowsNull));
            }

            if (listType.IsArray)
            {
                var array = Array.CreateInstance(element, items.Count);
                items.CopyTo(array, 0);
                return array;
            }

            return items;
        }

        private object? Dictionary(YamlNode node, Type valueType, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                return Fail(node, path, $"expected a mapping (key: value lines), found {YamlFields.Describe(node)}");
            }

            var entries = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType), StringComparer.Ordinal)!;
            foreach (var (key, value) in mapping.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                entries[name] = Value(value, valueType, YamlFields.Join(path, name), allowsNull: false);
            }

            return entries;
        }

        private object? Object(YamlNode node, Type type, string path)
        {
            if (node is not YamlMappingNode mapping)
            {
                return Fail(node, path, $"expected a mapping (key: value lines), found {YamlFields.Describe(node)}");
            }

            var kindNode = YamlFields.Child(mapping, ConfigKinds.KindKey);
            if (kinds.IsPolymorphic(type))
            {
                var choices = kinds.KindsOf(type);
                if (kindNode is null)
                {
                    return Fail(mapping, path, $"missing field '{ConfigKinds.KindKey}' (one of {string.Join(", ", choices.Keys)})");
                }

                var kindPath = YamlFields.Join(path, ConfigKinds.KindKey);
                var kind = (kindNode as YamlScalarNode)?.Value ?? string.Empty;
                if (!choices.TryGetValue(kind, out var concrete))
                {
                    return Fail(kindNode, kindPath, SuggestKind(kind, choices.Keys) is { } suggestion
                        ? $"unknown kind {YamlFields.Describe(kindNode)}, did you mean {suggestion}?"
                        : $"unknown kind {YamlFields.Describe(kindNode)}, expected one of {string.Join(", ", choices.Keys)}");
                }

                type = concrete;
            }
            else if (type.IsAbstract || type.IsInterface)
            {
                throw new InvalidOperationException($"Config type {type.Name} is abstract and has no kinds registered in {nameof(ConfigKinds)}.");
            }
            else if (kindNode is not null && kinds.KindNameOf(type) is { } own && (kindNode as YamlScalarNode)?.Value != own)
            {
                Fail(kindNode, YamlFields.Join(path, ConfigKinds.KindKey), $"expected kind {own}, found {YamlFields.Describe(kindNode)}");
            }

            var (constructor, members) = ConfigMembers.Describe(type);
            var byName = members.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var known = kinds.KindNameOf(type) is null ? members.Select(m => m.Name).ToArray() : [ConfigKinds.KindKey, .. members.Select(m => m.Name)];
            var values = new Dictionary<ConfigMember, object?>();
            var before = problems.Count;
            foreach (var (key, value) in mapping.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (name == ConfigKinds.KindKey && known.Contains(name))
                {
                    continue;
                }

                if (!byName.TryGetValue(name, out var member))
                {
                    Fail(key, YamlFields.Join(path, name), $"unknown field{NameSuggestions.Hint(name, known)}");
                    continue;
                }

                values[member] = Value(value, member.Type, YamlFields.Join(path, name), member.AllowsNull);
                if (values[member] is string text && member.Property?.IsDefined(typeof(ModelReferenceAttribute), inherit: true) == true)
                {
                    CheckModelReference(value, YamlFields.Join(path, name), text);
                }
            }

            foreach (var member in members)
            {
                if (member.Required && !values.ContainsKey(member))
                {
                    Fail(mapping, path, $"missing field '{member.Name}'");
                }
            }

            if (problems.Count > before || constructor is null)
            {
                return null;
            }

            var arguments = constructor.GetParameters()
                .Select((p, i) => values.FirstOrDefault(v => v.Key.Parameter == p) is { Key: not null } found ? found.Value : p.DefaultValue)
                .ToArray();
            object instance;
            try
            {
                instance = constructor.Invoke(arguments);
                foreach (var (member, value) in values)
                {
                    member.Property?.SetValue(instance, value);
                }
            }
            catch (TargetInvocationException error) when (error.InnerException is ArgumentException argument)
            {
                return Fail(mapping, path, argument.Message.Split(" (Parameter", 2)[0]);
            }

            foreach (var problem in kinds.Check(instance))
            {
                Fail(mapping, path, problem);
            }

            return instance;
        }

        private void CheckModelReference(YamlNode node, string path, string text)
        {
            try
            {
                ModelReference.Parse(text);
            }
            catch (StoreException error) when (error.Kind == StoreErrorKind.Invalid)
            {
                Fail(node, path, error.Message);
            }
        }

        // A kind name is often written shortened (GradientBoost): when no name is close, the nearest of those it starts.
        private static string? SuggestKind(string kind, IEnumerable<string> choices) =>
            NameSuggestions.Closest(kind, choices)
            ?? (kind.Length < 3 ? null : NameSuggestions.Nearest(kind, choices.Where(c => c.StartsWith(kind, StringComparison.OrdinalIgnoreCase)), 1).FirstOrDefault());

        private object? Fail(YamlNode node, string path, string message)
        {
            problems.Add(document.Problem(node, path, message));
            return null;
        }

        private static string Expected(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type == typeof(string) ? "text"
                : type == typeof(bool) ? "true or false"
                : type == typeof(int) || type == typeof(long) ? "an integer"
                : type == typeof(double) ? "a number"
                : type == typeof(SplitSize) ? "a row count or a fraction"
                : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
                : ConfigMembers.ListElement(type) is not null ? "a list"
                : type == typeof(object) ? "a value"
                : "a mapping";
        }
    }
}
