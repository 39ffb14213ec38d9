using System.CommandLine;
using ModelOps.Cli.Rendering;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops models list [--json]</c>, <c>modelops models show NAME [--json]</c> and
/// <c>modelops models import xgboost FILE --name NAME</c> (<see cref="ModelsImportCommand"/>).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var listJson = StoreCommandOptions.Json();
        var list = new Command("list", "List registered models with their latest version and aliases.");
        list.Options.Add(listJson);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var models = store.ListModelsAsync().GetAwaiter().GetResult();
            if (parse.GetValue(listJson))
            {
                StoreViews.WriteJson(models.Select(StoreViews.ToJson));
            }
            else
            {
                StoreViews.Models(console, models);
            }

            return ExitCodes.Success;
        }));

        var name = new Argument<string>("name") { Description = "The registered model name." };
        var showJson = StoreCommandOptions.Json();
        var show = new Command("show", "Show a registered model: its versions, aliases and alias history.");
        show.Arguments.Add(name);
        show.Options.Add(showJson);
        show.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var modelName = parse.GetRequiredValue(name);
            var model = store.GetModelAsync(modelName).GetAwaiter().GetResult();
            var versions = store.ListVersionsAsync(modelName).GetAwaiter().GetResult();
            var aliases = store.ListAliasesAsync(modelName).GetAwaiter().GetResult();
            var history = store.GetAliasHistoryAsync(modelName).GetAwaiter().GetResult();
            if (parse.GetValue(showJson))
            {
                StoreViews.WriteJson(StoreViews.ToJson(model, versions, aliases, history));
            }
            else
            {
                StoreViews.Model(console, model, versions, aliases, history);
            }

            return ExitCodes.Success;
        }));

        var models = new Command("models", "Work with the model registry.");
        models.Subcommands.Add(list);
        models.Subcommands.Add(show);
        models.Subcommands.Add(ModelsImportCommand.Create(options));
        return models;
    }
}
