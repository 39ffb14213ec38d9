using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace ModelOps.Core.Learners;

/// <summary>
/// Reads, changes and validates the parameters of an options record by their config names
/// (the property name in snake_case: <c>MaxDepth</c> is <c>max_depth</c>). Limits come from
/// <see cref="RangeAttribute"/> on the properties.
/// </summary>
public static class Parameters
{
    private static readonly MethodInfo MemberwiseCloneMethod =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>The parameter names of <paramref name="optionsType"/>, in declaration order.</summary>
    public static IReadOnlyList<string> NamesOf(Type optionsType) => Describe(optionsType).Select(p => p.Name).ToArray();

    /// <summary>The value of parameter <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such parameter; the message lists the names there are.</exception>
    public static object? Get(object options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Find(options.GetType(), name).Property.GetValue(options);
    }

    /// <summary>A copy of the record <paramref name="options"/> with parameter <paramref name="name"/> set to <paramref name="value"/> (converted to the parameter's type).</summary>
    /// <exception cref="ArgumentException">No such parameter, or the value does not convert to its type.</exception>
    public static T With<T>(T options, string name, object? value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var parameter = Find(options.GetType(), name);
        var copy = (T)MemberwiseCloneMethod.Invoke(options, null)!;
        parameter.Property.SetValue(copy, Convert(value, parameter));
        return copy;
    }

    /// <summary>Every parameter outside its <see cref="RangeAttribute"/> limits, as <c>name = value: must be ...</c>.</summary>
    public static List<string> CheckRanges(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var parameter in Describe(options.GetType()))
        {
            var range = parameter.Property.GetCustomAttribute<RangeAttribute>();
            var value = parameter.Property.GetValue(options);
            if (range is null || value is null)
            {
                continue;
            }

            var number = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            var min = System.Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
            var max = System.Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            var low = range.MinimumIsExclusive ? number > min : number >= min;
            var high = range.MaximumIsExclusive ? number < max : number <= max;
            if (!low || !high || double.IsNaN(number))
            {
                problems.Add($"{parameter.Name} = {Text(value)}: must be {Describe(range, min, max)}");
            }
        }

        return problems;
    }

    /// <summary>The config name of a property: <c>L2Regularization</c> is <c>l2_regularization</c>.</summary>
    public static string SnakeCase(string propertyName)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        var builder = new StringBuilder(propertyName.Length + 4);
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            var previous = i > 0 ? propertyName[i - 1] : '\0';
            var next = i + 1 < propertyName.Length ? propertyName[i + 1] : '\0';

            // A word starts at an upper-case letter after a lower-case letter or digit, or at the last
            // capital of an acronym before a lower-case letter (NEstimators: n_estimators).
            if (char.IsUpper(c) && i > 0 && (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && char.IsLower(next))))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static string Describe(RangeAttribute range, double min, double max)
    {
        var lower = range.MinimumIsExclusive ? $"greater than {Text(min)}" : $"at least {Text(min)}";
        var upper = range.MaximumIsExclusive ? $"less than {Text(max)}" : $"at most {Text(max)}";
        if (double.IsInfinity(max) || max >= int.MaxValue)
        {
            return lower;
        }

        return $"{lower} and {upper}";
    }

    private static string Text(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static object? Convert(object? value, ParameterDescription parameter)
    {
        var type = parameter.Property.PropertyType;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null)
        {
            return Nullable.GetUnderlyingType(type) is not null || !type.IsValueType
                ? null
                : throw new ArgumentException($"Parameter {parameter.Name} cannot be null.");
        }

        try
        {
            if (target.IsInstanceOfType(value))
            {
                return value;
            }

            if (target == typeof(int) && value is double d && Math.Floor(d) != d)
            {
                throw new FormatException();
            }

            if (target == typeof(bool) && value is string s)
            {
                return bool.Parse(s);
            }

            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is FormatException or InvalidCastException or OverflowException)
        {
            throw new ArgumentException($"Parameter {parameter.Name}: {Text(value)} is not a valid {TypeName(target)}.", error);
        }
    }

    private static string TypeName(Type type) => type == typeof(int) ? "integer" : type == typeof(double) ? "number" : type == typeof(bool) ? "boolean" : "text";

    private static ParameterDescription Find(Type optionsType, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var all = Describe(optionsType);
        foreach (var parameter in all)
        {
            if (string.Equals(parameter.Name, name, StringComparison.Ordinal))
            {
                return parameter;
            }
        }

        var names = all.Select(p => p.Name).ToArray();
        throw new ArgumentException($"Unknown parameter '{name}' for {KindOf(optionsType)}; parameters are: {string.Join(", ", names)}.");
    }

    private static string KindOf(Type optionsType) =>
        optionsType.Name.EndsWith("Options", StringComparison.Ordinal) ? optionsType.Name[..^"Options".Length] : optionsType.Name;

    private static ParameterDescription[] Describe(Type optionsType) =>
        [.. optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .Select(p => new ParameterDescription(SnakeCase(p.Name), p))];

    private sealed record ParameterDescription(string Name, PropertyInfo Property);
}
