namespace ModelOps.Core.Data;

/// <summary>The logical type of a <see cref="Column"/>.</summary>
public enum ColumnType
{
    /// <summary>64-bit floating point (<see cref="double"/>).</summary>
    Float64,

    /// <summary>64-bit signed integer (<see cref="long"/>).</summary>
    Int64,

    /// <summary>Boolean.</summary>
    Bool,

    /// <summary>Text, stored dictionary-encoded (categorical).</summary>
    String,

    /// <summary>Date and time (<see cref="System.DateTime"/>, no time zone conversion).</summary>
    DateTime,
}

/// <summary>Names of <see cref="ColumnType"/> values as they are written in schemas and messages.</summary>
public static class ColumnTypeNames
{
    /// <summary>The lower-case name of a type: <c>float64</c>, <c>int64</c>, <c>bool</c>, <c>string</c>, <c>datetime</c>.</summary>
    public static string ToName(this ColumnType type) => type switch
    {
        ColumnType.Float64 => "float64",
        ColumnType.Int64 => "int64",
        ColumnType.Bool => "bool",
        ColumnType.String => "string",
        ColumnType.DateTime => "datetime",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    /// <summary>Parses a type name (case-insensitive); <c>category</c> is a synonym of <c>string</c>.</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a type.</returns>
    public static bool TryParse(string name, out ColumnType type)
    {
        switch (name.ToLowerInvariant())
        {
            case "float64" or "float" or "double":
                type = ColumnType.Float64;
                return true;
            case "int64" or "int" or "integer" or "long":
                type = ColumnType.Int64;
                return true;
            case "bool" or "boolean":
                type = ColumnType.Bool;
                return true;
            case "string" or "str" or "category" or "categorical":
                type = ColumnType.String;
                return true;
            case "datetime" or "date":
                type = ColumnType.DateTime;
                return true;
            default:
                type = default;
                return false;
        }
    }

    /// <summary>The accepted type names, for error messages.</summary>
    public const string Accepted = "float64, int64, bool, string, datetime";
}
