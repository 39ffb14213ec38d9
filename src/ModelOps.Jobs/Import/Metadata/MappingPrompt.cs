using System.Globalization;
using System.Text;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>The messages the LLM is sent: the instructions, the first request, and the feedback on an answer.</summary>
internal static class MappingPrompt
{
    /// <summary>The system message.</summary>
    public const string System =
        "You map model-metadata JSON files written by other tools to the ModelOps model-metadata schema. " +
        "You never write metadata values: you answer with a mapping spec, and ModelOps applies it to the file, so every value comes from the file. " +
        "Answer with one JSON object of the form {\"rules\": [...]} and nothing else: no prose, no code fence.";

    /// <summary>The spec dialect, as the prompt and <c>docs/import.md</c> state it.</summary>
    public static readonly string Dialect =
        """
        A spec is {"rules": [{"source": SOURCE, "target": TARGET, "transform": TRANSFORM}, ...]}; the rules apply in order, and a field set by one rule is not set again by a later one.
        SOURCE is a path into the file: $ (the document), then .name (letters, digits, _ and -), ['any name'], [0] (an item, from 0), [*] or .* (every item of an array, every member value of an object).
        TARGET is a field of the metadata:
        - name, description, task: one value.
        - metrics, tags: every entry of an object ({"accuracy": 0.9}), or of a list of objects whose "name_field" member names the entry and whose "value_field" member holds its value (defaults "name" and "value"); for an object of objects ({"accuracy": {"value": 0.9, "standard_deviation": 0.01}}) set "value_field" to the member that holds each value.
        - metrics.NAME, tags.NAME: one entry (everything after the first dot is the name).
        - features[].name, features[].type, features[].description, features[].importance; charts.roc[].fpr, charts.roc[].tpr, charts.roc[].threshold; charts.precision_recall[].recall, charts.precision_recall[].precision, charts.precision_recall[].threshold; charts.feature_importance[].feature, charts.feature_importance[].importance: the i-th value fills item i (a path with [*] gives the values, and so does one array, or one value that split_list or keys turns into a list).
        - charts.confusion_matrix.labels, charts.confusion_matrix.matrix: one whole list; with [] (labels[], matrix[]): one item per value. matrix[i][j] counts actual labels[i] predicted as labels[j].
        TRANSFORM is applied to each value (default none):
        - none: the value as it is.
        - scale_percent: a percentage to a fraction: 91.2 or "91.2%" or "91.2" -> 0.912.
        - text_to_number: "0.912" -> 0.912.
        - split_list: text to a list at "delimiter" (default ","), items trimmed: "age; income" with delimiter ";" -> ["age", "income"].
        - keys: an object's member names, as a list.
        - values: an object's member values, as a list.
        - column_type: a type name to float64, int64, bool, string or datetime ("double" -> float64, "long" -> int64, "object" -> string, "category" -> string).
        - task_name: a task's words to regression or binary_classification ("BinaryClassification", "binary:logistic" -> binary_classification; "regressor" -> regression).
        Metrics: where the source's metric is accuracy, precision, recall, f1, roc_auc, average_precision, log_loss, brier, mse, rmse, mae, r2, mape or max_error, ModelOps names it so (auc -> roc_auc, f1_score -> f1, ...); other metrics keep their own name in snake_case. Accuracy, precision, recall, f1, roc_auc and average_precision are fractions between 0 and 1: scale percentages.
        Tag values and confusion-matrix labels are text: numbers and booleans become their JSON text.
        """;

    /// <summary>The first request: the schema, the dialect, the deterministic proposal and its result, and the source sample.</summary>
    public static string Request(string fileName, MappingSpec proposal, MappingResult result, IReadOnlyList<MetadataValidationError> errors, string sample, MetadataImportOptions options)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Map the file \"{fileName}\" to the ModelOps model-metadata schema. Map everything the file says that the schema can hold, and nothing else.\n\n");
        text.Append("## Target: the model-metadata JSON Schema (2020-12)\n").Append(ModelMetadataSchema.Text).Append("\n\n");
        text.Append("## The spec dialect\n").Append(Dialect).Append('\n');
        text.Append("## The deterministic mapper's spec (a start: keep what is right, fix what is wrong, add what is missing)\n");
        text.Append(proposal.ToJson()).Append('\n');
        AppendOutcome(text, result.Problems, errors, "Applied to the file it gives");
        text.Append(CultureInfo.InvariantCulture, $"\n## A sample of the file (arrays cut to {options.SampleArrayItems} items, strings to {options.SampleStringLength} characters; \"…\" marks what was cut)\n");
        text.Append(sample).Append("\n\n");
        text.Append("Answer with the whole spec as one JSON object {\"rules\": [...]}, nothing else.");
        return text.ToString();
    }

    /// <summary>The feedback on an answer that is not a spec.</summary>
    public static string NotASpec(string why) =>
        $"Your answer is not a mapping spec: {why}. Answer with the whole spec as one JSON object {{\"rules\": [...]}}, nothing else.";

    /// <summary>How many problems, and how many validation errors, a prompt lists (the rest are counted).</summary>
    public const int MaxListed = 50;

    /// <summary>The output budget of an answer: 8,192 tokens, a spec of some 200 rules.</summary>
    public const int MaxOutputTokens = 8192;

    /// <summary>The feedback on a spec whose result has problems or validation errors.</summary>
    public static string Problems(IReadOnlyList<MappingProblem> problems, IReadOnlyList<MetadataValidationError> errors)
    {
        var text = new StringBuilder("Your spec was applied to the file. ");
        AppendOutcome(text, problems, errors, "It gives");
        text.Append("Answer with the whole corrected spec as one JSON object {\"rules\": [...]}, nothing else.");
        return text.ToString();
    }

    private static void AppendOutcome(StringBuilder text, IReadOnlyList<MappingProblem> problems, IReadOnlyList<MetadataValidationError> errors, string lead)
    {
        if (problems.Count == 0 && errors.Count == 0)
        {
            text.Append(lead).Append(" valid metadata with no problems.\n");
            return;
        }

        text.Append(lead).Append(":\n");
        if (problems.Count > 0)
        {
            text.Append("Rule problems (rules[i] is the i-th rule, from 0):\n");
            AppendListed(text, problems.Select(p => p.ToString()).ToList());
        }

        if (errors.Count > 0)
        {
            text.Append("Validation errors of the mapped metadata (JSON Pointer instance paths):\n");
            AppendListed(text, errors.Select(e => e.ToString()).ToList());
        }
    }

    // At most MaxListed lines: a curve of 100,000 points in percent gives one error a point, and the prompt must stay bounded.
    private static void AppendListed(StringBuilder text, IReadOnlyList<string> lines)
    {
        foreach (var line in lines.Take(MaxListed))
        {
            text.Append("- ").Append(line).Append('\n');
        }

        if (lines.Count > MaxListed)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"- ... and {lines.Count - MaxListed:N0} more of the same kinds\n"));
        }
    }
}
