using System.Globalization;
using System.Text.Json;
using ModelOps.Core.Data;
using ModelOps.Core.Features;
using ModelOps.Core.Scoring;
using ModelOps.Hub.Errors;

namespace ModelOps.Hub.Scoring;

/// <summary>
/// Turns the JSON records of a predict request into a <see cref="Frame"/> typed by the model signature with
/// <see cref="JsonRecords"/>, collecting every violation (<c>$.records[2].temp: expected a number (float64), got string "hot"</c>).
/// </summary>
internal static class RecordReader
{
    /// <param name="records">An array of records, or one record (an object) when <paramref name="single"/>.</param>
    /// <param name="inputs">The model's input columns.</param>
    /// <param name="errors">Collects the violations.</param>
    /// <param name="path">The JSON path of <paramref name="records"/> in messages.</param>
    /// <param name="single">Whether <paramref name="records"/> is one record rather than an array.</param>
    public static Frame Read(JsonElement records, IReadOnlyList<InputColumn> inputs, JsonBody errors, string path, bool single = false)
    {
        var reader = new JsonRecords(inputs, single ? 1 : records.GetArrayLength());
        var problems = new List<JsonRecordError>();
        if (single)
        {
            reader.TryAppend(records, path, problems);
        }
        else
        {
            var index = 0;
            foreach (var record in records.EnumerateArray())
            {
                reader.TryAppend(record, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), problems);
                index++;
            }
        }

        foreach (var problem in problems)
        {
            errors.Error(problem.Path, problem.Message);
        }

        return problems.Count > 0 ? new Frame([]) : reader.Build();
    }
}
