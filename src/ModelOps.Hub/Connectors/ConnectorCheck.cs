using System.Globalization;

namespace ModelOps.Hub.Connectors;

/// <summary>The outcome of <see cref="ConnectorClientFactory.CheckAsync"/>: which model answered and how fast, or what failed.</summary>
public sealed record ConnectorCheck
{
    private ConnectorCheck(bool succeeded, string message, TimeSpan elapsed)
    {
        Succeeded = succeeded;
        Message = message;
        Elapsed = elapsed;
    }

    /// <summary>Whether the provider answered.</summary>
    public bool Succeeded { get; }

    /// <summary>
    /// One line for people: <c>gpt-4o-mini-2024-07-18 answered in 412 ms</c>, or the failure's
    /// <see cref="ConnectorError.Message"/> (<c>rate limited (429); retry after 20 s</c>).
    /// </summary>
    public string Message { get; }

    /// <summary>How long the call took, until the answer or the failure.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The model that answered, as the provider names it (often a dated version of the one asked for), or <see langword="null"/> on failure.</summary>
    public string? Model { get; private init; }

    /// <summary>The answer's text (the prompt asks for <c>OK</c>; a model that thinks first may have none), or <see langword="null"/> on failure.</summary>
    public string? Answer { get; private init; }

    /// <summary>What failed, or <see langword="null"/> when the provider answered.</summary>
    public ConnectorError? Error { get; private init; }

    internal static ConnectorCheck Answered(string model, string answer, TimeSpan elapsed) =>
        new(true, string.Create(CultureInfo.InvariantCulture, $"{model} answered in {(long)elapsed.TotalMilliseconds} ms"), elapsed)
        {
            Model = model,
            Answer = answer,
        };

    internal static ConnectorCheck Failed(ConnectorError error, TimeSpan elapsed) => new(false, error.Message, elapsed) { Error = error };
}
