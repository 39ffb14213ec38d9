namespace ModelOps.Store;

/// <summary>
/// Thrown by the store for every failure a user can act on: the database cannot be used
/// (locked, read-only, corrupt, unreachable, a newer schema), a name that does not exist, a
/// request that conflicts with what is stored, or an invalid name. The message is one line that
/// says what failed and, where possible, what exists or what to do; <see cref="Kind"/> tells
/// callers (the CLI's exit codes, the hub's HTTP status) which of these it is. Misuse of the API
/// (a null argument) throws the ordinary CLR exceptions instead.
/// </summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Which kind of failure this is.</param>
    /// <param name="message">One line: what failed, and what exists or what to do.</param>
    /// <param name="innerException">The driver's exception, when there is one.</param>
    public StoreException(StoreErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Which kind of failure this is.</summary>
    public StoreErrorKind Kind { get; }
}

/// <summary>The kinds of <see cref="StoreException"/>.</summary>
public enum StoreErrorKind
{
    /// <summary>The database cannot be used: locked, read-only, corrupt, unreachable, or its schema is newer than this build.</summary>
    Unavailable,

    /// <summary>An experiment, run, model, version, alias or artifact that does not exist.</summary>
    NotFound,

    /// <summary>A request that conflicts with what is stored (a model that already exists, a parameter logged twice with different values).</summary>
    Conflict,

    /// <summary>An invalid name or value (an alias name with spaces, an artifact path leaving its folder).</summary>
    Invalid,
}
