namespace ModelOps.Core.Models;

/// <summary>
/// Thrown when a model file cannot be read: not JSON, not a ModelOps model, a newer format version,
/// or a missing or malformed field. The message names the field (as a JSON path) and what was expected.
/// </summary>
public sealed class ModelFormatException(string message, Exception? inner = null) : Exception(message, inner);
