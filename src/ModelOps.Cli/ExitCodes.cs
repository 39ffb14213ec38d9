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
}
