using System.CommandLine;
using ModelOps.Cli.Rendering;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops runs list [--experiment NAME] [--json]</c> and <c>modelops runs show ID [--json]</c>.</summary>
internal static class RunsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var experiment = new Option<string?>("--experiment", "-e") { Description = "Only the runs of this experiment." };
        var listJson = StoreCommandOptions.Json();
        var list = new Command("list", "List runs, newest first.");
        list.Options.Add(experiment);
        list.Options.Add(listJson);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var runs = store.ListRunsAsync(parse.GetValue(experiment)).GetAwaiter().GetResult();
            if (parse.GetValue(listJson))
            {
                StoreViews.WriteJson(runs.Select(StoreViews.ToJson));
            }
            else
            {
                StoreViews.Runs(console, runs);
            }

            return ExitCodes.Success;
        }));

        var id = new Argument<string>("id") { Description = "The run id." };
        var showJson = StoreCommandOptions.Json();
        var show = new Command("show", "Show a run: status, times, host, tags, parameters, latest metrics, data sets and artifacts.");
        show.Arguments.Add(id);
        show.Options.Add(showJson);
        show.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var run = store.GetRunAsync(parse.GetRequiredValue(id)).GetAwaiter().GetResult();
            if (parse.GetValue(showJson))
            {
                StoreViews.WriteJson(StoreViews.ToJson(run));
            }
            else
            {
                StoreViews.Run(console, run);
            }

            return ExitCodes.Success;
        }));

        var runs = new Command("runs", "Work with the runs of the tracking store.");
        runs.Subcommands.Add(list);
        runs.Subcommands.Add(show);
        return runs;
    }
}
