using System.Text.Json;
using System.Text.Json.Serialization;
using ModelOps.Core.Learning;

namespace ModelOps.Core.Analytics;

/// <summary>
/// Writes <see cref="GroupAnalyticsReport.Task"/> in the report's own words, <c>Regression</c> or <c>Classification</c>,
/// through whatever enum converter the serializer options hold: the hub's camelCase enum policy makes them
/// <c>regression</c> and <c>classification</c>, options without one leave them as they are. These are the words the
/// analytics API wrote before the report took <see cref="ModelTask"/>, whose member is <c>BinaryClassification</c>.
/// </summary>
internal sealed class ReportTaskJsonConverter : JsonConverter<ModelTask>
{
    /// <inheritdoc/>
    public override ModelTask Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Words(options).Read(ref reader, typeof(Word), options) switch
        {
            Word.Regression => ModelTask.Regression,
            Word.Classification => ModelTask.BinaryClassification,
            var other => throw new JsonException($"'{other}' is not an analytics task: expected Regression or Classification."),
        };

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ModelTask value, JsonSerializerOptions options) =>
        Words(options).Write(writer, value == ModelTask.Regression ? Word.Regression : Word.Classification, options);

    /// <summary>The converter the options pick for the words: theirs when they hold an enum converter, else by name.</summary>
    private static JsonConverter<Word> Words(JsonSerializerOptions options) => (JsonConverter<Word>)options.GetConverter(typeof(Word));

    /// <summary>The report's words for the two tasks, serialised by name unless the options say otherwise.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<Word>))]
    private enum Word
    {
        /// <summary>The report of a <see cref="ModelTask.Regression"/> group.</summary>
        Regression,

        /// <summary>The report of a <see cref="ModelTask.BinaryClassification"/> group.</summary>
        Classification,
    }
}
