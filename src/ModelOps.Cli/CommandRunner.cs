using ModelOps.Jobs.Jobs;
using Spectre.Console;

namespace ModelOps.Cli;

/// <summary>Runs a command body and turns its exceptions into one clear message on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static int Run(bool verbose, Func<IAnsiConsole, int> body)
    {
        try
        {
            return body(Consoles.Out);
        }
        catch (Exception error)
        {
            var code = ExitCodeOf(error);
            Consoles.Error.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            if (verbose)
            {
                Consoles.Error.WriteLine(error.ToString());
            }
            else if (code == ExitCodes.Failure)
            {
                Consoles.Error.MarkupLine("[grey](run with --verbose for the stack trace)[/]");
            }

            return code;
        }
    }

    public static int ExitCodeOf(Exception error) => error is Hub.Connectors.ConnectorException ? ExitCodes.ServiceUnavailable : JobErrors.KindOf(error) switch
    {
        JobErrorKind.Config => ExitCodes.ConfigError,
        JobErrorKind.EvaluationFailed => ExitCodes.EvaluationFailed,
        JobErrorKind.Data => ExitCodes.DataError,
        JobErrorKind.NotFound => ExitCodes.NotFound,
        JobErrorKind.StoreUnavailable => ExitCodes.StoreUnavailable,
        JobErrorKind.Conflict => ExitCodes.Conflict,
        JobErrorKind.ServiceUnavailable => ExitCodes.ServiceUnavailable,
        _ => ExitCodes.Failure,
    };
}

/// <summary>The console for results (stdout) and for errors (stderr); wide tables when redirected to a file.</summary>
internal static class Consoles
{
    private const int RedirectedWidth = 160;

    // An error is one line however long (scripts read it); only tables need a finite width.
    private const int RedirectedErrorWidth = 4096;

    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected, RedirectedWidth);

    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected, RedirectedErrorWidth);

    private static IAnsiConsole Create(TextWriter writer, bool redirected, int redirectedWidth)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = redirectedWidth;
        }

        return console;
    }
}
