using System.Text;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>Normalises the names sources give keys, metrics, tasks and types to snake_case.</summary>
internal static class KeyNames
{
    /// <summary>
    /// <paramref name="name"/> in snake_case: words split at case changes (<c>auRoc</c>, <c>ModelPackageName</c>,
    /// <c>ROCAuc</c>, <c>F1Score</c>) and at every character other than a letter or digit (<c>F1 Score</c>, <c>model-index</c>,
    /// <c>mlflow.runName</c>, <c>reg:squarederror</c>), lower case, joined by one <c>_</c>: <c>au_roc</c>,
    /// <c>model_package_name</c>, <c>roc_auc</c>, <c>f1_score</c>, <c>model_index</c>, <c>mlflow_run_name</c>.
    /// </summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                Separate(text);
                continue;
            }

            if (char.IsAsciiLetterUpper(c) && i > 0)
            {
                var previous = name[i - 1];
                var nextIsLower = i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]);
                if (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous) || (char.IsAsciiLetterUpper(previous) && nextIsLower))
                {
                    Separate(text);
                }
            }

            text.Append(char.ToLowerInvariant(c));
        }

        if (text.Length > 0 && text[^1] == '_')
        {
            text.Length--;
        }

        return text.ToString();
    }

    private static void Separate(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '_')
        {
            text.Append('_');
        }
    }
}
