using ModelOps.Core.Data;
using ModelOps.Core.Metrics;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// The words sources use for our metrics, tasks and column types, and the key names the deterministic mapper looks
/// for. Every name here is in snake_case (<see cref="KeyNames.SnakeCase"/>); lists of keys are in order of
/// preference. <c>docs/import.md</c> lists the same tables for users.
/// </summary>
internal static class MetadataVocabulary
{
    private static readonly Dictionary<string, string> MetricSynonyms = Synonyms(
        (MetricNames.Accuracy, ["acc", "accuracy_score", "classification_accuracy"]),
        (MetricNames.Precision, ["precision_score", "prec", "positive_predictive_value"]),
        (MetricNames.Recall, ["recall_score", "sensitivity"]),
        (MetricNames.F1, ["f1_score", "f_1", "f1score", "f1_measure", "f_measure"]),
        (MetricNames.RocAuc, ["auc", "auroc", "au_roc", "roc_auc_score", "auc_roc", "rocauc", "area_under_roc", "area_under_roc_curve"]),
        (MetricNames.AveragePrecision, ["average_precision_score", "ap"]),
        (MetricNames.LogLoss, ["logloss", "cross_entropy", "binary_logloss", "binary_crossentropy", "log_loss_score"]),
        (MetricNames.Brier, ["brier_score", "brier_score_loss"]),
        (MetricNames.MeanSquaredError, ["mean_squared_error", "mean_square_error"]),
        (MetricNames.RootMeanSquaredError, ["root_mean_squared_error", "root_mean_square_error"]),
        (MetricNames.MeanAbsoluteError, ["mean_absolute_error"]),
        (MetricNames.R2, ["r2_score", "r_2", "r_squared", "rsquared", "r2score", "coefficient_of_determination"]),
        (MetricNames.MeanAbsolutePercentageError, ["mean_absolute_percentage_error"]),
        (MetricNames.MaxError, ["maximum_error", "max_absolute_error"]));

    private static readonly HashSet<string> RegressionWords = new(StringComparer.Ordinal)
    {
        "regression", "regressor", "tabular_regression", "reg", "reg_squarederror", "reg_squared_error", "reg_linear", "linear_regression",
    };

    private static readonly HashSet<string> BinaryWords = new(StringComparer.Ordinal)
    {
        "binary_classification", "binary", "binary_classifier", "binary_logistic", "binary_class", "two_class", "binaryclassification",
        "tabular_binary_classification",
    };

    private static readonly HashSet<string> MulticlassWords = new(StringComparer.Ordinal)
    {
        "multiclass", "multi_class", "multiclass_classification", "multi_class_classification", "multi_softmax", "multi_softprob", "multinomial",
        "multilabel", "multi_label", "multilabel_classification", "multi_label_classification",
    };

    private static readonly Dictionary<string, ColumnType> TypeSynonyms = TypeTable(
        (ColumnType.Float64, ["float32", "float16", "number", "numeric", "real", "decimal", "continuous"]),
        (ColumnType.Int64, ["int32", "int16", "int8", "uint8", "uint16", "uint32", "short", "byte", "bigint"]),
        (ColumnType.String, ["object", "text", "varchar", "char", "utf8", "nominal"]),
        (ColumnType.DateTime, ["timestamp", "datetime64", "datetime64_ns", "date_time"]));

    /// <summary>Keys whose text names the model, best first.</summary>
    public static readonly string[] NameKeys = ["model_name", "display_name", "run_name", "model_package_group_name", "model_package_name", "model", "name", "title"];

    /// <summary>Keys whose text describes the model, best first.</summary>
    public static readonly string[] DescriptionKeys = ["description", "model_description", "model_package_description", "summary", "mlflow_note_content", "notes", "note"];

    /// <summary>Keys whose text names the task, best first (and <c>name</c> or <c>type</c> inside a <c>task</c> object).</summary>
    public static readonly string[] TaskKeys =
        ["task", "task_type", "problem_type", "problem", "prediction_type", "ml_task", "learning_task", "objective", "model_type", "task_name"];

    /// <summary>Keys that hold the features (a list of names, of objects, a delimited string, or an object by name).</summary>
    public static readonly string[] FeatureKeys =
    [
        "features", "input_features", "feature_names", "feature_list", "feature_columns", "input_columns", "inputs", "input_schema",
        "columns", "vars", "variables", "predictors", "covariates", "independent_variables",
    ];

    /// <summary>Keys that hold metrics (an object by name, or a list of name/value objects).</summary>
    public static readonly string[] MetricKeys =
    [
        "metrics", "model_performance", "performance", "perf", "evaluation", "evaluation_metrics", "eval_metrics", "scores", "results",
        "validation_metrics", "test_metrics", "model_metrics", "metric_results", "binary_classification_metrics", "regression_metrics",
    ];

    /// <summary>Keys that hold tags (an object of scalars).</summary>
    public static readonly string[] TagKeys = ["tags", "labels", "custom_tags", "user_tags", "customer_metadata_properties"];

    /// <summary>Keys of a confusion matrix.</summary>
    public static readonly string[] ConfusionKeys = ["confusion_matrix", "confusion", "cm"];

    /// <summary>Keys of feature importances (an object by feature, or a list of feature/importance objects).</summary>
    public static readonly string[] ImportanceKeys =
        ["feature_importance", "feature_importances", "importances", "importance", "variable_importance", "feature_attributions"];

    /// <summary>Fields of a feature object.</summary>
    public static readonly string[] FeatureNameFields = ["name", "feature", "feature_name", "column", "column_name", "field", "key", "variable"];

    /// <summary>Fields of a feature object that hold its type.</summary>
    public static readonly string[] FeatureTypeFields = ["type", "dtype", "data_type", "column_type", "datatype", "kind"];

    /// <summary>Fields of a feature object that describe it.</summary>
    public static readonly string[] FeatureDescriptionFields = ["description", "desc", "doc", "comment"];

    /// <summary>Fields of a feature object that hold its importance.</summary>
    public static readonly string[] FeatureImportanceFields = ["importance", "feature_importance", "gain", "mean_abs_shap", "attribution"];

    /// <summary>Fields of a metric object in a list that name it.</summary>
    public static readonly string[] MetricNameFields = ["key", "metric", "metric_name", "type", "name"];

    /// <summary>Fields of a metric object that hold its value (also <c>{value, standard_deviation}</c> objects by name).</summary>
    public static readonly string[] MetricValueFields = ["value", "score", "metric_value", "mean"];

    /// <summary>Keys or fields of false positive rates.</summary>
    public static readonly string[] FprFields = ["fpr", "false_positive_rate", "false_positive_rates", "fprs"];

    /// <summary>Keys or fields of true positive rates (recall counts when false positive rates are beside it).</summary>
    public static readonly string[] TprFields = ["tpr", "true_positive_rate", "true_positive_rates", "tprs", "recall", "recalls"];

    /// <summary>Keys or fields of precisions.</summary>
    public static readonly string[] PrecisionFields = ["precision", "precisions"];

    /// <summary>Keys or fields of recalls.</summary>
    public static readonly string[] RecallFields = ["recall", "recalls", "tpr", "true_positive_rate", "true_positive_rates"];

    /// <summary>Keys or fields of thresholds.</summary>
    public static readonly string[] ThresholdFields = ["threshold", "thresholds", "confidence_threshold", "confidence_thresholds", "cutoff", "cutoffs"];

    /// <summary>Keys of a confusion matrix's labels (strings, or objects named by <see cref="LabelNameFields"/>).</summary>
    public static readonly string[] LabelKeys = ["labels", "classes", "class_names", "class_labels", "annotation_specs"];

    /// <summary>Fields of a label object that name it.</summary>
    public static readonly string[] LabelNameFields = ["display_name", "name", "label"];

    /// <summary>Keys of a confusion matrix's rows.</summary>
    public static readonly string[] MatrixKeys = ["rows", "matrix", "values", "counts"];

    /// <summary>Fields of an importance object.</summary>
    public static readonly string[] ImportanceNameFields = ["feature", "name", "feature_name", "column"];

    /// <summary>Fields of an importance object that hold the importance.</summary>
    public static readonly string[] ImportanceValueFields = ["importance", "value", "score", "attribution", "gain"];

    /// <summary>
    /// The metric name for a source's name: the catalog's (<c>auc</c>, <c>AUROC</c>, <c>F1 Score</c> -> <c>roc_auc</c>,
    /// <c>roc_auc</c>, <c>f1</c>), else the source's name in snake_case (<c>auPrc</c> -> <c>au_prc</c>).
    /// </summary>
    public static string MetricName(string sourceName)
    {
        var snake = KeyNames.SnakeCase(sourceName);
        if (MetricCatalog.TryGet(snake, out var metric))
        {
            return metric.Name;
        }

        return MetricSynonyms.GetValueOrDefault(snake, snake);
    }

    /// <summary>Whether the metric is a share between 0 and 1 (<see cref="MetadataNames.FractionMetrics"/>).</summary>
    public static bool IsFraction(string metricName) => Array.IndexOf(MetadataNames.FractionMetrics, metricName) >= 0;

    /// <summary>
    /// Our task name for a source's words: <c>regression</c> (regression, regressor, reg:squarederror, ...) or
    /// <c>binary_classification</c> (binary, BinaryClassification, binary:logistic, "Binary Classification", ...).
    /// </summary>
    /// <param name="text">The source's text.</param>
    /// <param name="task">Our task name.</param>
    /// <param name="why">When there is none: why (a multiclass task; "classification" alone; an unknown word).</param>
    public static bool TryTask(string text, out string task, out string why)
    {
        var snake = KeyNames.SnakeCase(text);
        task = RegressionWords.Contains(snake) ? MetadataNames.Regression : BinaryWords.Contains(snake) ? MetadataNames.BinaryClassification : string.Empty;
        why = task.Length > 0 ? string.Empty
            : MulticlassWords.Contains(snake) ? "is a multiclass task; ModelOps models are regression or binary_classification"
            : snake.Contains("classif", StringComparison.Ordinal) ? "does not say whether the classification is binary or multiclass; tasks are regression, binary_classification"
            : "is not a task ModelOps knows; tasks are regression, binary_classification";
        return task.Length > 0;
    }

    /// <summary>
    /// Our column type for a source's type name: the product's names and synonyms (<see cref="ColumnTypeNames.TryParse"/>)
    /// and those of pandas, NumPy, MLflow and Spark (<c>float32</c>, <c>object</c>, <c>datetime64[ns]</c>, <c>DoubleType</c>, ...).
    /// </summary>
    public static bool TryColumnType(string text, out ColumnType type)
    {
        var snake = KeyNames.SnakeCase(text);
        if (snake.EndsWith("_type", StringComparison.Ordinal) && snake.Length > 5)
        {
            snake = snake[..^5];
        }

        return ColumnTypeNames.TryParse(snake, out type) || TypeSynonyms.TryGetValue(snake, out type);
    }

    private static Dictionary<string, ColumnType> TypeTable(params (ColumnType Type, string[] Words)[] table)
    {
        var synonyms = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        foreach (var (type, words) in table)
        {
            foreach (var word in words)
            {
                synonyms.Add(word, type);
            }
        }

        return synonyms;
    }

    private static Dictionary<string, string> Synonyms(params (string Name, string[] Words)[] table)
    {
        var synonyms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, words) in table)
        {
            foreach (var word in words)
            {
                synonyms.Add(word, name);
            }
        }

        return synonyms;
    }
}
