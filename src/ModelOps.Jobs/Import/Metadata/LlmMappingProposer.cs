using System.Globalization;
using Microsoft.Extensions.AI;

namespace ModelOps.Jobs.Import.Metadata;

/// <summary>
/// Asks an LLM for a spec, starting from the deterministic mapper's: the prompt carries the target schema, the spec
/// dialect, the deterministic spec with what it gives, and a bounded sample of the source. Each answer is parsed as a
/// spec, applied and validated; an answer that is not a spec, or a spec whose result has problems or validation errors,
/// goes back to the LLM in the same conversation, for at most <see cref="MetadataImportOptions.MaxRetries"/> retries.
/// The LLM only ever proposes rules: the values come from the source, applied by our code.
/// </summary>
internal static class LlmMappingProposer
{
    /// <summary>Runs the loop.</summary>
    /// <returns>The attempt to show: the first valid one, else the one with the fewest problems and errors (the later on a tie), with every attempt.</returns>
    /// <exception cref="MetadataImportException">(<see cref="MetadataImportErrorKind.LlmAnswerNotSpec"/>) No answer was a spec.</exception>
    public static async Task<(MappingAttempt Chosen, MappingResult Result, IReadOnlyList<MappingAttempt> Attempts)> ProposeAsync(
        IChatClient llm,
        SourceDocument source,
        MappingSpec deterministic,
        MappingResult deterministicResult,
        IReadOnlyList<MetadataValidationError> deterministicErrors,
        MetadataImportOptions options,
        CancellationToken cancellationToken)
    {
        var sample = SourceSample.Build(source.Root, options);
        var request = MappingPrompt.Request(source.FileName, deterministic, deterministicResult, deterministicErrors, sample, options);
        var messages = new List<ChatMessage> { new(ChatRole.System, MappingPrompt.System), new(ChatRole.User, request) };
        // A spec of a large source runs to thousands of tokens; without a budget Anthropic's SDK asks for 1,024 and cuts it.
        var chatOptions = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, MaxOutputTokens = MappingPrompt.MaxOutputTokens };
        var attempts = new List<MappingAttempt>();
        (MappingAttempt Attempt, MappingResult Result)? best = null;
        for (var number = 1; number <= options.MaxRetries + 1; number++)
        {
            // The client's own exceptions (timeouts, 401, 429, ...) reach the caller as they are: the hub names the provider's error.
            var response = await llm.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
            var answer = response.Text ?? string.Empty;
            messages.Add(new ChatMessage(ChatRole.Assistant, answer));
            MappingAttempt attempt;
            string feedback;
            if (!TryReadSpec(answer, out var spec, out var why))
            {
                attempt = new MappingAttempt(number, request, answer, null, why, [], []);
                feedback = MappingPrompt.NotASpec(why);
            }
            else
            {
                var result = MappingApplier.Apply(source.Root, spec);
                var errors = ModelMetadataSchema.Validate(result.Mapped);
                attempt = new MappingAttempt(number, request, answer, spec, null, result.Problems, errors);
                if (best is null || Weight(attempt) <= Weight(best.Value.Attempt))
                {
                    best = (attempt, result);
                }

                feedback = MappingPrompt.Problems(result.Problems, errors);
            }

            attempts.Add(attempt);
            if (attempt.IsValid)
            {
                break;
            }

            request = feedback;
            messages.Add(new ChatMessage(ChatRole.User, feedback));
        }

        if (best is not { } chosen)
        {
            throw new MetadataImportException(
                MetadataImportErrorKind.LlmAnswerNotSpec,
                string.Create(CultureInfo.InvariantCulture, $"The LLM did not answer with a mapping spec in {attempts.Count} {(attempts.Count == 1 ? "attempt" : "attempts")}; the last answer: {attempts[^1].NotASpec}"),
                attempts);
        }

        return (chosen.Attempt, chosen.Result, attempts);
    }

    private static int Weight(MappingAttempt attempt) => attempt.Problems.Count + attempt.Errors.Count;

    /// <summary>Reads the spec of an answer; a Markdown code fence around it is tolerated.</summary>
    private static bool TryReadSpec(string answer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MappingSpec? spec, out string why)
    {
        var text = answer.Trim();
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
            var close = text.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLine > 0 && close > firstLine)
            {
                text = text[(firstLine + 1)..close].Trim();
            }
        }

        if (text.Length == 0)
        {
            spec = null;
            why = "the answer is empty";
            return false;
        }

        return MappingSpec.TryParse(text, out spec, out why);
    }
}
