using ModelOps.Core.Schemas;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Datasets;
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

    public static int ExitCodeOf(Exception error) => error switch
    {
        ConfigException => ExitCodes.ConfigError,
        SchemaException or DatasetException => ExitCodes.DataError,
        _ => ExitCodes.Failure,
    };
}

/// <summary>The console for results (stdout) and for errors (stderr); wide tables when redirected to a file.</summary>
internal static class Consoles
{
    private const int RedirectedWidth = 160;

    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
