using System.Globalization;

namespace ModelOps.Hub.Components.Pages.Jobs;

/// <summary>What a scalar field of the config language holds, as its JSON Schema says.</summary>
public enum ConfigScalarType
{
    /// <summary><c>"type": "string"</c>.</summary>
    String,

    /// <summary><c>"type": "number"</c>.</summary>
    Number,

    /// <summary><c>"type": "integer"</c>.</summary>
    Integer,

    /// <summary><c>"type": "boolean"</c>.</summary>
    Boolean,

    /// <summary><c>"enum": [...]</c>: one of <see cref="ConfigScalarField.Options"/>.</summary>
    Enum,

    /// <summary><c>"type": ["string", "number", "boolean", "null"]</c>: whatever the text reads as.</summary>
    Any,
}

/// <summary>
/// One field of the Build a model form, made from the config language's JSON Schema by <see cref="JobConfigSchema"/>:
/// it holds what the person typed or chose and turns it into YAML (<see cref="ToYaml"/>). Nothing here checks a value:
/// the config's own binder does that when the job is submitted, so its messages (source, line, path) are the only rules.
/// </summary>
/// <param name="name">The config key (<c>max_iter</c>); empty for an item of a list.</param>
/// <param name="optional">Whether the config may leave it out (not required, or nullable): an empty optional field is left out of the YAML.</param>
public abstract class ConfigField(string name, bool optional)
{
    /// <summary>The config key (<c>max_iter</c>); empty for an item of a list.</summary>
    public string Name { get; } = name;

    /// <summary>Whether the config may leave it out: an empty optional field is not written.</summary>
    public bool Optional { get; } = optional;

    /// <summary>The field's value as YAML, or <see langword="null"/> to leave the key out (nothing entered).</summary>
    internal abstract ConfigYaml? ToYaml();
}

/// <summary>A string, number, integer, boolean, enum or any-scalar field: one text box or select.</summary>
public sealed class ConfigScalarField(string name, bool optional, ConfigScalarType type, IReadOnlyList<string> options, string? range) : ConfigField(name, optional)
{
    /// <summary>What it holds.</summary>
    public ConfigScalarType Type { get; } = type;

    /// <summary>The names an <see cref="ConfigScalarType.Enum"/> field offers (<c>true</c> and <c>false</c> for a boolean).</summary>
    public IReadOnlyList<string> Options { get; } = type == ConfigScalarType.Boolean ? ["true", "false"] : options;

    /// <summary>The schema's limits for a person (<c>1 to 100,000</c>, <c>above 0, at most 1</c>), or <see langword="null"/>.</summary>
    public string? Range { get; } = range;

    /// <summary>What was typed or chosen; <see langword="null"/> or blank: nothing.</summary>
    public string? Text { get; set; }

    /// <inheritdoc />
    internal override ConfigYaml? ToYaml() =>
        string.IsNullOrWhiteSpace(Text) ? null : new ConfigYamlScalar(ConfigYaml.Scalar(Text.Trim(), Type));
}

/// <summary>A list of scalars (<c>columns</c>), typed as one comma-separated text: <c>temp, hum, hr</c>.</summary>
public sealed class ConfigScalarListField(string name, bool optional, ConfigScalarType itemType) : ConfigField(name, optional)
{
    /// <summary>What each item holds.</summary>
    public ConfigScalarType ItemType { get; } = itemType;

    /// <summary>The items, comma-separated.</summary>
    public string? Text { get; set; }

    /// <summary>The items as typed: split at commas, trimmed, blanks dropped.</summary>
    public IReadOnlyList<string> Items => (Text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <inheritdoc />
    internal override ConfigYaml? ToYaml() => Items switch
    {
        [] => null,
        var items => new ConfigYamlFlowList([.. items.Select(i => ConfigYaml.Scalar(i, ItemType))]),
    };
}

/// <summary>A map of names to scalars (<c>column_types</c>), typed one <c>name: value</c> a line.</summary>
public sealed class ConfigMapField(string name, bool optional, ConfigScalarType valueType, IReadOnlyList<string> options) : ConfigField(name, optional)
{
    /// <summary>What each value holds.</summary>
    public ConfigScalarType ValueType { get; } = valueType;

    /// <summary>The names an enum value may be.</summary>
    public IReadOnlyList<string> Options { get; } = options;

    /// <summary>The entries, one <c>name: value</c> a line.</summary>
    public string? Text { get; set; }

    /// <inheritdoc />
    internal override ConfigYaml? ToYaml()
    {
        var entries = new List<KeyValuePair<string, ConfigYaml>>();
        foreach (var line in (Text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // A line without ':' is a name without a value: written so, and the config says what it lacks.
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (key, value) = colon < 0 ? (line, string.Empty) : (line[..colon].Trim(), line[(colon + 1)..].Trim());
            entries.Add(new(key, new ConfigYamlScalar(ConfigYaml.Scalar(value, ValueType))));
        }

        return entries.Count == 0 ? null : new ConfigYamlMap(entries);
    }
}

/// <summary>An object of the config (a job, a reader, a model's options): its fields, and its <c>KIND</c> when it is one kind of a polymorphic field.</summary>
public sealed class ConfigObjectField(string name, bool optional, string? kind, IReadOnlyList<ConfigField> fields) : ConfigField(name, optional)
{
    /// <summary>Its <c>KIND</c> (<c>CsvReader</c>), or <see langword="null"/> for a plain object (<c>tracking_service</c>).</summary>
    public string? Kind { get; } = kind;

    /// <summary>Its fields, in the schema's order.</summary>
    public IReadOnlyList<ConfigField> Fields { get; } = fields;

    /// <summary>Field <paramref name="name"/>, or <see langword="null"/>.</summary>
    public ConfigField? this[string name] => Fields.FirstOrDefault(f => f.Name == name);

    /// <inheritdoc />
    /// <remarks>An optional plain object with no field entered is left out; a kind is always written with its <c>KIND</c>.</remarks>
    internal override ConfigYaml? ToYaml()
    {
        var entries = new List<KeyValuePair<string, ConfigYaml>>();
        if (Kind is not null)
        {
            entries.Add(new(JobConfigSchema.KindKey, new ConfigYamlScalar(ConfigYaml.Scalar(Kind, ConfigScalarType.String))));
        }

        foreach (var field in Fields)
        {
            if (field.ToYaml() is { } value)
            {
                entries.Add(new(field.Name, value));
            }
        }

        return entries.Count == 0 && Optional ? null : new ConfigYamlMap(entries);
    }
}

/// <summary>
/// A polymorphic field (<c>inputs</c>, <c>model</c>, a feature step): a choice of <c>KIND</c>, then that kind's fields.
/// Switching kinds keeps what was entered for each kind, so switching back loses nothing.
/// </summary>
public sealed class ConfigChoiceField : ConfigField
{
    private readonly Func<string, ConfigObjectField> _create;
    private readonly Dictionary<string, ConfigObjectField> _made = new(StringComparer.Ordinal);
    private string? _kind;

    /// <summary>Creates the field.</summary>
    /// <param name="name">The config key.</param>
    /// <param name="optional">Whether no kind may be chosen (the config's default then applies).</param>
    /// <param name="kinds">The kinds it offers, in the schema's order.</param>
    /// <param name="create">Makes the empty object of a kind.</param>
    internal ConfigChoiceField(string name, bool optional, IReadOnlyList<string> kinds, Func<string, ConfigObjectField> create)
        : base(name, optional)
    {
        Kinds = kinds;
        _create = create;
    }

    /// <summary>The kinds it offers.</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>The chosen kind, or <see langword="null"/>; setting it shows that kind's fields (as last entered).</summary>
    public string? Kind
    {
        get => _kind;
        set
        {
            if (value is not null && !Kinds.Contains(value, StringComparer.Ordinal))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name} has no kind {value}: {string.Join(", ", Kinds)}");
            }

            _kind = value;
        }
    }

    /// <summary>The chosen kind's object, or <see langword="null"/> when none is chosen.</summary>
    public ConfigObjectField? Chosen => _kind is null ? null : _made.TryGetValue(_kind, out var made) ? made : _made[_kind] = _create(_kind);

    /// <inheritdoc />
    internal override ConfigYaml? ToYaml() => Chosen?.ToYaml();
}

/// <summary>A list of objects or polymorphic items (feature steps, metrics): rows added and removed.</summary>
/// <param name="name">The config key.</param>
/// <param name="optional">Whether the config may leave it out.</param>
/// <param name="createItem">Makes an empty item.</param>
public sealed class ConfigListField(string name, bool optional, Func<ConfigField> createItem) : ConfigField(name, optional)
{
    private readonly List<ConfigField> _items = [];

    /// <summary>The items, in order.</summary>
    public IReadOnlyList<ConfigField> Items => _items;

    /// <summary>Appends an empty item and returns it.</summary>
    public ConfigField Add()
    {
        var item = createItem();
        _items.Add(item);
        return item;
    }

    /// <summary>Removes <paramref name="item"/>.</summary>
    public void Remove(ConfigField item) => _items.Remove(item);

    /// <inheritdoc />
    /// <remarks>Items with nothing entered (no kind chosen) are left out.</remarks>
    internal override ConfigYaml? ToYaml()
    {
        var items = _items.Select(i => i.ToYaml()).OfType<ConfigYaml>().ToList();
        return items.Count == 0 ? null : new ConfigYamlList(items);
    }
}

/// <summary>How a field's limits read: <c>1 to 100,000</c>, <c>above 0, at most 1</c>, <c>at least 0</c>.</summary>
internal static class ConfigRanges
{
    /// <summary>The limits, or <see langword="null"/> when there are none.</summary>
    public static string? Describe(double? minimum, bool minimumExclusive, double? maximum, bool maximumExclusive)
    {
        string Number(double value) => value.ToString("#,0.####", CultureInfo.InvariantCulture);
        return (minimum, maximum) switch
        {
            (null, null) => null,
            ({ } min, { } max) when !minimumExclusive && !maximumExclusive => $"{Number(min)} to {Number(max)}",
            ({ } min, { } max) => $"{(minimumExclusive ? "above" : "at least")} {Number(min)}, {(maximumExclusive ? "below" : "at most")} {Number(max)}",
            ({ } min, null) => $"{(minimumExclusive ? "above" : "at least")} {Number(min)}",
            (null, { } max) => $"{(maximumExclusive ? "below" : "at most")} {Number(max)}",
        };
    }
}
