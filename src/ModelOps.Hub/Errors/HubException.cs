using Microsoft.AspNetCore.Http;

namespace ModelOps.Hub.Errors;

/// <summary>
/// A request the hub refuses, with the HTTP status and a one-line detail that says what is wrong
/// and where; answered as problem details (RFC 9457). A 5xx detail speaks in product terms only
/// (no file paths, no database errors): its cause goes to the server log with the request id.
/// </summary>
public sealed class HubException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The HTTP status, such as 400.</param>
    /// <param name="message">What is wrong and where.</param>
    /// <param name="errors">Every violation, when there are several (listed in the problem's <c>errors</c>).</param>
    /// <param name="cause">What failed inside, for the server log only; never sent to the client.</param>
    public HubException(int status, string message, IReadOnlyList<string>? errors = null, Exception? cause = null)
        : base(message, cause)
    {
        Status = status;
        Errors = errors;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>Every violation, or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? Errors { get; }

    /// <summary>A 400 with <paramref name="message"/>.</summary>
    public static HubException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>A 404 with <paramref name="message"/>.</summary>
    public static HubException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
