using System.CommandLine;
using ModelOps.Cli.Rendering;
using ModelOps.Jobs.DataChecks;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops data check FILE --schema S...</c>: reads a CSV or Parquet file, checks it and summarizes its columns.</summary>
internal static class DataCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var file = new Argument<string>("file") { Description = "The CSV or Parquet (.parquet) file to check." };
        var schemas = new Option<string[]>("--schema", "-s")
        {
            Description = "A schema file (YAML or JSON); repeat for several (e.g. inputs and target).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var check = new Command("check", "Read a CSV or Parquet file with its schemas' types, check every rule and summarize each column.");
        check.Arguments.Add(file);
        check.Options.Add(schemas);
        check.SetAction(parse => CommandRunner.Run(parse.GetValue(verbose), console =>
        {
            var result = DataCheck.Run(parse.GetRequiredValue(file), parse.GetRequiredValue(schemas));
            DataCheckView.Render(console, result);
            return ExitCodes.Success;
        }));

        var data = new Command("data", "Work with data files.");
        data.Subcommands.Add(check);
        return data;
    }
}
