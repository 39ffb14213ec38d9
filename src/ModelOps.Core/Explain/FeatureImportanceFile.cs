using System.Text.Json;

namespace ModelOps.Core.Explain;

/// <summary>
/// The <c>importances.json</c> a training run logs beside its model: the version's feature importances, measured on
/// (a sample of) its test part, as the hub's model page shows them.
/// </summary>
/// <param name="SampleRows">How many test rows the mean |SHAP| was taken over.</param>
/// <param name="Importances">Every importance, in the order of <see cref="FeatureImportances.Compute(Models.Model, ShapValues, ShapLevel)"/>.</param>
public sealed record FeatureImportanceFile(int SampleRows, IReadOnlyList<FeatureImportance> Importances)
{
    /// <summary>The artifact path in the training run.</summary>
    public const string ArtifactPath = "importances.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The file's bytes (UTF-8 JSON: <c>{"sampleRows": 1000, "importances": [{"feature": "hr", "importance": 0.41, "kind": "gain"}, ...]}</c>).</summary>
    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a file written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="InvalidDataException">It is not such a file.</exception>
    public static async Task<FeatureImportanceFile> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<FeatureImportanceFile>(stream, Json, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{ArtifactPath} is empty (null)");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{ArtifactPath} is not a feature importance file: {error.Message}", error);
        }
    }
}
