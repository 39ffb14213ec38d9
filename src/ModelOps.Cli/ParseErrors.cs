using System.CommandLine;
using ModelOps.Core.Text;

namespace ModelOps.Cli;

/// <summary>Turns command-line parse errors into messages, with the nearest command for a misspelt one.</summary>
internal static class ParseErrors
{
    public static IEnumerable<string> Describe(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var names = command.Subcommands.Select(c => c.Name).ToArray();
        var unknown = parsed.UnmatchedTokens;
        foreach (var error in parsed.Errors)
        {
            // "Required command was not provided" only repeats what the unknown token already says.
            if (unknown.Count > 0 && names.Length > 0 && error.Message.StartsWith("Required command", StringComparison.Ordinal))
            {
                continue;
            }

            var hint = unknown.Count > 0 && error.Message.Contains($"'{unknown[0]}'", StringComparison.Ordinal)
                ? NameSuggestions.Hint(unknown[0], names)
                : string.Empty;
            yield return error.Message.TrimEnd('.') + (hint.Length > 0 ? hint : ".");
        }
    }
}
