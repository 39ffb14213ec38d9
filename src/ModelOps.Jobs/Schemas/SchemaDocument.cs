using ModelOps.Core.Data;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using YamlDotNet.RepresentationModel;

namespace ModelOps.Jobs.Schemas;

/// <summary>
/// Reads a <see cref="Schema"/> from YAML or JSON. The format (see <c>docs/schemas.md</c>):
/// <code>
/// name: bike_inputs          # default: the file name without extension
/// strict: false              # columns not listed are kept (true: they are violations)
/// columns:
///   temp: {type: float64, minimum: 0, maximum: 1}
///   season: {type: int64, allowed_values: [1, 2, 3, 4]}
///   dteday: datetime         # just a type
/// </code>
/// Column keys: <c>type</c> (required), <c>nullable</c>, <c>minimum</c>, <c>maximum</c>,
/// <c>allowed_values</c>, <c>unique</c>, <c>coerce</c>, <c>required</c>, <c>description</c>.
/// Every problem is reported at once in a <see cref="ConfigException"/>.
/// </summary>
public static class SchemaDocument
{
    private static readonly string[] DocumentKeys = ["name", "description", "strict", "columns"];
    private static readonly string[] ColumnKeys = ["type", "nullable", "minimum", "maximum", "allowed_values", "unique", "coerce", "required", "description"];

    /// <summary>Reads the schema file at <paramref name="path"/>.</summary>
    /// <exception cref="ConfigException">The file is missing or not a valid schema.</exception>
    public static Schema Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ConfigException(new ConfigProblem(path, 0, string.Empty, "schema file not found"));
        }

        return Parse(File.ReadAllText(path), path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Reads a schema from YAML or JSON <paramref name="text"/>.</summary>
    /// <param name="text">The document.</param>
    /// <param name="source">Where the text came from, for messages.</param>
    /// <param name="defaultName">The schema name when the document has no <c>name</c>.</param>
    /// <exception cref="ConfigException">The text is not a valid schema.</exception>
    public static Schema Parse(string text, string source, string? defaultName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = new YamlFields(source);
        var root = fields.ParseRoot(text);
        var schema = root is null ? null : Read(root, string.Empty, fields, defaultName ?? source);
        if (fields.Problems.Count > 0 || schema is null)
        {
            throw new ConfigException(fields.Problems);
        }

        return schema;
    }

    /// <summary>Reads a schema from a node of a larger config (problems are added to <paramref name="fields"/>).</summary>
    internal static Schema? Read(YamlNode node, string path, YamlFields fields, string defaultName)
    {
        var mapping = fields.Mapping(node, path);
        if (mapping is null)
        {
            return null;
        }

        fields.RejectUnknownKeys(mapping, path, DocumentKeys);
        var name = fields.String(mapping, path, "name") ?? defaultName;
        var strict = fields.Bool(mapping, path, "strict") ?? false;
        var columnsPath = YamlFields.Join(path, "columns");
        var columnsNode = YamlFields.Child(mapping, "columns");
        if (columnsNode is null)
        {
            fields.Problem(mapping, path, "missing field 'columns'");
            return null;
        }

        var columnsMapping = fields.Mapping(columnsNode, columnsPath);
        if (columnsMapping is null)
        {
            return null;
        }

        var columns = new List<ColumnSchema>();
        foreach (var (key, value) in columnsMapping.Children)
        {
            var columnName = ((YamlScalarNode)key).Value ?? string.Empty;
            if (ReadColumn(columnName, value, YamlFields.Join(columnsPath, columnName), fields) is { } column)
            {
                columns.Add(column);
            }
        }

        if (fields.Problems.Count > 0)
        {
            return null;
        }

        try
        {
            return new Schema(name, columns, strict);
        }
        catch (ArgumentException error)
        {
            fields.Problem(columnsMapping, columnsPath, error.Message.Split(" (Parameter", 2)[0]);
            return null;
        }
    }

    private static ColumnSchema? ReadColumn(string name, YamlNode node, string path, YamlFields fields)
    {
        if (node is YamlScalarNode shorthand)
        {
            var type = ReadType(shorthand.Value, node, path, fields);
            return type is null ? null : new ColumnSchema(name, type.Value);
        }

        var mapping = fields.Mapping(node, path);
        if (mapping is null)
        {
            return null;
        }

        fields.RejectUnknownKeys(mapping, path, ColumnKeys);
        var typeNode = YamlFields.Child(mapping, "type");
        if (typeNode is null)
        {
            fields.Problem(mapping, path, $"missing field 'type' (one of {ColumnTypeNames.Accepted})");
            return null;
        }

        var typeText = fields.String(mapping, path, "type");
        var columnType = typeText is null ? null : ReadType(typeText, typeNode, YamlFields.Join(path, "type"), fields);
        var column = new ColumnSchema(name, columnType ?? ColumnType.String)
        {
            Nullable = fields.Bool(mapping, path, "nullable") ?? false,
            Minimum = fields.Number(mapping, path, "minimum"),
            Maximum = fields.Number(mapping, path, "maximum"),
            AllowedValues = fields.Scalars(mapping, path, "allowed_values"),
            Unique = fields.Bool(mapping, path, "unique") ?? false,
            Coerce = fields.Bool(mapping, path, "coerce") ?? true,
            Required = fields.Bool(mapping, path, "required") ?? true,
            Description = fields.String(mapping, path, "description"),
        };
        return columnType is null ? null : column;
    }

    private static ColumnType? ReadType(string? text, YamlNode node, string path, YamlFields fields)
    {
        if (text is not null && ColumnTypeNames.TryParse(text, out var type))
        {
            return type;
        }

        fields.Problem(node, path, $"unknown type {YamlFields.Describe(node)}, expected one of {ColumnTypeNames.Accepted}");
        return null;
    }
}
