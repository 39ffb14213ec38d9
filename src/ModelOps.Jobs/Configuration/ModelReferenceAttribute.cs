namespace ModelOps.Jobs.Configuration;

/// <summary>
/// Marks a text config field that holds a model reference (<c>name@alias</c>, <c>name/3</c>,
/// <c>name/latest</c> or <c>name</c>): <see cref="ConfigBinder"/> parses it when binding, so a malformed
/// one is a config problem with its file, line and config path, not an error when the job runs.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ModelReferenceAttribute : Attribute;
