namespace ModelOps.Core.Learning;

/// <summary>The words messages use for a <see cref="ModelTask"/>.</summary>
internal static class ModelTaskNames
{
    /// <summary><c>regression</c> or <c>classification</c>: the task as metric and config messages name it.</summary>
    public static string Noun(this ModelTask task) => task == ModelTask.Regression ? "regression" : "classification";
}
