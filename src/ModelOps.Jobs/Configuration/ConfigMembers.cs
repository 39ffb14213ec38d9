using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using ModelOps.Core.Learners;
using ModelOps.Core.Splitting;

namespace ModelOps.Jobs.Configuration;

/// <summary>One config field of a record: a constructor parameter or a settable property, by its snake_case name.</summary>
internal sealed record ConfigMember(string Name, Type Type, bool Required, bool AllowsNull, PropertyInfo? Property, ParameterInfo? Parameter)
{
    public RangeAttribute? Range => Property?.GetCustomAttribute<RangeAttribute>();
}

/// <summary>The fields of a config type (shared by the binder and the schema, so both agree) and how scalar types are named.</summary>
internal static class ConfigMembers
{
    // NullabilityInfoContext is not thread-safe (its caches throw when two threads fill them): it is used under the lock, and
    // each type is described once; workers bind configs on several threads at once.
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly Lock NullabilityLock = new();
    private static readonly ConcurrentDictionary<Type, (ConstructorInfo? Constructor, IReadOnlyList<ConfigMember> Members)> Described = new();

    /// <summary>The constructor used (the public one with the most parameters, not the record copy constructor) and the fields in declaration order, base type first.</summary>
    public static (ConstructorInfo? Constructor, IReadOnlyList<ConfigMember> Members) Describe(Type type) => Described.GetOrAdd(type, DescribeLocked);

    private static (ConstructorInfo? Constructor, IReadOnlyList<ConfigMember> Members) DescribeLocked(Type type)
    {
        lock (NullabilityLock)
        {
            return DescribeUncached(type);
        }
    }

    private static (ConstructorInfo? Constructor, IReadOnlyList<ConfigMember> Members) DescribeUncached(Type type)
    {
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .Where(c => !(c.GetParameters() is [var only] && only.ParameterType == type))
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        var members = new List<ConfigMember>();
        var parameterNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in constructor?.GetParameters() ?? [])
        {
            parameterNames.Add(parameter.Name!);
            var nullable = Nullability.Create(parameter).WriteState == NullabilityState.Nullable || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
            members.Add(new ConfigMember(Parameters.SnakeCase(parameter.Name!), parameter.ParameterType, !parameter.HasDefaultValue, nullable, null, parameter));
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.Name != "EqualityContract" && !parameterNames.Contains(p.Name))
            .OrderBy(p => Depth(p.DeclaringType!))
            .ThenBy(p => p.MetadataToken))
        {
            var required = property.IsDefined(typeof(RequiredMemberAttribute)) || property.IsDefined(typeof(RequiredAttribute));
            var nullable = Nullability.Create(property).WriteState == NullabilityState.Nullable || Nullable.GetUnderlyingType(property.PropertyType) is not null;
            members.Add(new ConfigMember(Parameters.SnakeCase(property.Name), property.PropertyType, required, nullable, property, null));
        }

        return (constructor, members);
    }

    /// <summary>Whether <paramref name="type"/> is read from a single YAML value.</summary>
    public static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long)
            || type == typeof(double) || type == typeof(SplitSize) || type == typeof(object) || type.IsEnum;
    }

    /// <summary>The element type of a list type (array, <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c>, ...), or null.</summary>
    public static Type? ListElement(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element]
            && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>) || definition == typeof(IEnumerable<>)))
        {
            return element;
        }

        return null;
    }

    /// <summary>The value type of a string-keyed dictionary type, or null.</summary>
    public static Type? DictionaryValue(Type type)
    {
        if (type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>)))
        {
            return value;
        }

        return null;
    }

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }
}
