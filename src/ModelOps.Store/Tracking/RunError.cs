namespace ModelOps.Store.Tracking;

/// <summary>The error that ended a failed run.</summary>
/// <param name="Kind">What kind of error it was, as its recorder names it (jobs use <c>config</c>, <c>data</c>, <c>not_found</c>, ...).</param>
/// <param name="Message">The error's message, as the user saw it.</param>
public sealed record RunError(string Kind, string Message);
