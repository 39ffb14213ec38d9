namespace ModelOps.Cli;

/// <summary>The process exit codes of <c>modelops</c> (documented in README.md).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug or an environment problem).</summary>
    public const int Failure = 1;

    /// <summary>A configuration error: bad arguments, a wrong config or schema file.</summary>
    public const int ConfigError = 2;

    /// <summary>A data error: a file that cannot be read, or data that breaks its schema.</summary>
    public const int DataError = 3;

    /// <summary>An experiment, run, model, version or alias that is not in the store.</summary>
    public const int NotFound = 4;

    /// <summary>The store cannot be used: the database is locked, read-only, corrupt, unreachable or newer than this build.</summary>
    public const int StoreUnavailable = 5;

    /// <summary>A request that conflicts with what the store holds (a model that already exists, a parameter logged twice).</summary>
    public const int Conflict = 6;

    /// <summary>An evaluation job ran, and a metric missed its threshold.</summary>
    public const int EvaluationFailed = 7;

    /// <summary>A service the job streams through (a Kafka cluster) failed or cannot be reached; nothing unfinished was committed.</summary>
    public const int ServiceUnavailable = 8;
}
