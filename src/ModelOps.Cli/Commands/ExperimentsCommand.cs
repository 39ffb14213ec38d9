using System.CommandLine;
using ModelOps.Cli.Rendering;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops experiments list [--json]</c>.</summary>
internal static class ExperimentsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var json = StoreCommandOptions.Json();
        var list = new Command("list", "List experiments with their number of runs and latest run.");
        list.Options.Add(json);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var experiments = store.ListExperimentsAsync().GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(experiments.Select(StoreViews.ToJson));
            }
            else
            {
                StoreViews.Experiments(console, experiments);
            }

            return ExitCodes.Success;
        }));

        var experiments = new Command("experiments", "Work with the experiments of the tracking store.");
        experiments.Subcommands.Add(list);
        return experiments;
    }
}
