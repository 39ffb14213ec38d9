namespace ModelOps.Core.Models;

/// <summary>
/// Thrown when data cannot be used to train or score a model: an empty training set, a target
/// with nulls, NaN or infinite values, a classification target that is not 0/1, a row count that
/// does not match. The message names the column, the rows and the rule. Input columns that are
/// missing or of the wrong type raise <see cref="Schemas.SchemaException"/> instead.
/// </summary>
public sealed class TrainingDataException(string message) : Exception(message);
