using System.Globalization;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Models;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// An XGBoost model file (JSON or UBJSON) imported together with its metadata: the version then holds the converted
/// model and scores like a native one, while its metrics, tags and description are the metadata's.
/// </summary>
/// <param name="FileName">The uploaded file's name (for messages and the record).</param>
/// <param name="Content">Its bytes.</param>
public sealed record AttachedModel(string FileName, ReadOnlyMemory<byte> Content)
{
    /// <summary>The <see cref="Store.Registry.RegisteredModels.ModelFileTag"/> of a version that holds an attached XGBoost model.</summary>
    public const string XGBoostFormat = "xgboost";

    /// <summary>Whether to keep every tree of a model that records a best iteration.</summary>
    /// <value>Default <see langword="false"/>: the trees up to it, as XGBoost's scikit-learn <c>predict</c> uses.</value>
    public bool AllTrees { get; init; }

    /// <summary>
    /// Converts the file and checks it against <paramref name="metadata"/>: a file without feature names takes the
    /// metadata's (in its order, when the counts agree); a file with names must have the same set as the metadata lists;
    /// the metadata's task, when it states one, must be the model's.
    /// </summary>
    /// <exception cref="MetadataImportException">(<see cref="MetadataImportErrorKind.AttachedModel"/>) The file is not an XGBoost model ModelOps converts, or does not match the metadata; the message says which and how.</exception>
    public Model Read(ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        try
        {
            var model = Convert(null);
            var listed = metadata.Features.Select(f => f.Name).ToList();
            var names = model.FeatureNames;
            if (listed.Count > 0 && !listed.SequenceEqual(names, StringComparer.Ordinal))
            {
                if (Unnamed(names))
                {
                    if (listed.Count != names.Count)
                    {
                        throw Mismatch(string.Create(CultureInfo.InvariantCulture, $"{FileName} has {names.Count} features without names but the metadata lists {listed.Count} ({Listing(listed)}); list one feature per model input, in the model's order"));
                    }

                    model = Convert(listed);
                }
                else
                {
                    var lacking = listed.Except(names, StringComparer.Ordinal).ToList();
                    var unlisted = names.Except(listed, StringComparer.Ordinal).ToList();
                    if (lacking.Count > 0 || unlisted.Count > 0)
                    {
                        var differences = new List<string>(2);
                        if (lacking.Count > 0)
                        {
                            differences.Add($"the model has no feature {Listing(lacking)}");
                        }

                        if (unlisted.Count > 0)
                        {
                            differences.Add($"the metadata does not list {Listing(unlisted)}");
                        }

                        throw Mismatch($"the features of {FileName} and of the metadata differ: {string.Join("; ", differences)}");
                    }
                }
            }

            if (metadata.Task is { } task && task != model.Task)
            {
                throw Mismatch($"the metadata's task is {ModelMetadata.TaskName(task)} but {FileName} is an XGBoost {model.Metadata["xgboost_objective"]} model ({ModelMetadata.TaskName(model.Task)})");
            }

            return model;
        }
        catch (ModelFormatException error)
        {
            throw new MetadataImportException(MetadataImportErrorKind.AttachedModel, $"the model file {error.Message}; nothing was saved");
        }
    }

    private Model Convert(IReadOnlyList<string>? featureNames)
    {
        using var stream = new MemoryStream(Content.ToArray(), writable: false);
        return XGBoostModelReader.Read(stream, FileName, featureNames, AllTrees);
    }

    // XGBoost's own names for features saved without names: f0, f1, ...
    private static bool Unnamed(IReadOnlyList<string> names) =>
        names.Select((name, i) => name == string.Create(CultureInfo.InvariantCulture, $"f{i}")).All(same => same);

    private static string Listing(IReadOnlyList<string> names) =>
        names.Count <= 8 ? string.Join(", ", names) : string.Create(CultureInfo.InvariantCulture, $"{string.Join(", ", names.Take(8))} and {names.Count - 8} more");

    private static MetadataImportException Mismatch(string message) => new(MetadataImportErrorKind.AttachedModel, message + "; nothing was saved");
}
