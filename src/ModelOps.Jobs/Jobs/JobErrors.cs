using ModelOps.Core.Models;
using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
using ModelOps.Store;

namespace ModelOps.Jobs.Jobs;

/// <summary>
/// What kind of error ended a job: the one classification of exceptions that the failed run records
/// (<see cref="Store.Tracking.RunError.Kind"/>) and the CLI turns into its exit codes.
/// </summary>
public enum JobErrorKind
{
    /// <summary>An unexpected failure (a bug or an environment problem): <c>internal</c>.</summary>
    Internal,

    /// <summary>A wrong config, schema file or argument: <c>config</c>.</summary>
    Config,

    /// <summary>Data that cannot be read or breaks its schema, or a model file that cannot be read: <c>data</c>.</summary>
    Data,

    /// <summary>An experiment, run, model, version or alias that is not in the store: <c>not_found</c>.</summary>
    NotFound,

    /// <summary>The store cannot be used (locked, read-only, unreachable, newer): <c>store_unavailable</c>.</summary>
    StoreUnavailable,

    /// <summary>A request that conflicts with what the store holds: <c>conflict</c>.</summary>
    Conflict,

    /// <summary>An evaluation whose metrics missed their thresholds: <c>evaluation_failed</c>.</summary>
    EvaluationFailed,

    /// <summary>The job was cancelled: <c>cancelled</c>.</summary>
    Cancelled,

    /// <summary>A service the job streams through (a Kafka cluster) failed or cannot be reached: <c>service_unavailable</c>.</summary>
    ServiceUnavailable,
}

/// <summary>
/// A service the job reads from or writes to, other than the store, failed (a Kafka broker did not acknowledge
/// an output, refused a commit, or cannot be reached): the job stops without claiming work it could not finish.
/// </summary>
public sealed class ServiceUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ServiceUnavailableException()
    {
    }

    /// <summary>Creates the exception with what failed.</summary>
    public ServiceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with what failed and its cause.</summary>
    public ServiceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Classifies the exceptions that end jobs and commands.</summary>
public static class JobErrors
{
    /// <summary>The kind of <paramref name="error"/>.</summary>
    public static JobErrorKind KindOf(Exception error) => error switch
    {
        ConfigException => JobErrorKind.Config,
        EvaluationFailedException => JobErrorKind.EvaluationFailed,
        SchemaException or DatasetException or ModelFormatException or TrainingDataException => JobErrorKind.Data,
        StoreException { Kind: StoreErrorKind.NotFound } => JobErrorKind.NotFound,
        StoreException { Kind: StoreErrorKind.Unavailable } => JobErrorKind.StoreUnavailable,
        StoreException { Kind: StoreErrorKind.Invalid } => JobErrorKind.Config,
        StoreException { Kind: StoreErrorKind.Conflict } => JobErrorKind.Conflict,
        OperationCanceledException => JobErrorKind.Cancelled,
        ServiceUnavailableException => JobErrorKind.ServiceUnavailable,
        Import.Metadata.MetadataImportException { Kind: Import.Metadata.MetadataImportErrorKind.NotJson or Import.Metadata.MetadataImportErrorKind.AttachedModel } => JobErrorKind.Data,
        Import.Metadata.MetadataImportException { Kind: Import.Metadata.MetadataImportErrorKind.InvalidSpec } => JobErrorKind.Config,
        Import.Metadata.MetadataImportException { Kind: Import.Metadata.MetadataImportErrorKind.LlmAnswerNotSpec } => JobErrorKind.ServiceUnavailable,
        _ => JobErrorKind.Internal,
    };

    /// <summary>The stored name of <paramref name="kind"/>: <c>config</c>, <c>data</c>, <c>not_found</c>, ...</summary>
    public static string ToName(this JobErrorKind kind) => kind switch
    {
        JobErrorKind.Internal => "internal",
        JobErrorKind.Config => "config",
        JobErrorKind.Data => "data",
        JobErrorKind.NotFound => "not_found",
        JobErrorKind.StoreUnavailable => "store_unavailable",
        JobErrorKind.Conflict => "conflict",
        JobErrorKind.EvaluationFailed => "evaluation_failed",
        JobErrorKind.Cancelled => "cancelled",
        JobErrorKind.ServiceUnavailable => "service_unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown job error kind."),
    };
}
