using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Jobs.Import;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops models import xgboost FILE --name NAME [--feature-names a,b,...] [--json]</c>: parses the
/// arguments and runs <see cref="XGBoostImport"/> (the model becomes the next version of NAME, logged
/// in a run of experiment <c>imports</c>).
/// </summary>
internal static class ModelsImportCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var file = new Argument<string>("file") { Description = "The XGBoost JSON model (Booster.save_model(\"m.json\"))." };
        var name = new Option<string>("--name", "-n") { Description = "The registered model name; the import becomes its next version.", Required = true };
        var featureNames = new Option<string?>("--feature-names")
        {
            Description = "The input column names, comma-separated, one per XGBoost feature. Default: the names in the file, else f0, f1, ...",
        };
        var json = StoreCommandOptions.Json();
        var xgboost = new Command("xgboost", "Import an XGBoost JSON model (gbtree; reg:squarederror or binary:logistic) and register it as a new version.");
        xgboost.Arguments.Add(file);
        xgboost.Options.Add(name);
        xgboost.Options.Add(featureNames);
        xgboost.Options.Add(json);
        xgboost.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var path = parse.GetRequiredValue(file);
            var model = XGBoostImport.Read(path, SplitNames(parse.GetValue(featureNames)));
            using var store = options.Open(parse);
            var imported = XGBoostImport.RegisterAsync(store, model, path, parse.GetRequiredValue(name)).GetAwaiter().GetResult();
            var version = imported.Version;
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new
                {
                    Model = version.Model,
                    version.Version,
                    version.RunId,
                    version.ArtifactUri,
                    imported.Objective,
                    imported.Trees,
                    Features = model.FeatureNames.Count,
                    FeatureNames = model.FeatureNames,
                });
            }
            else
            {
                console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Registered {version.Model} version {version.Version} (XGBoost {imported.Objective}, {imported.Trees} trees, {model.FeatureNames.Count} features)"));
            }

            return ExitCodes.Success;
        }));

        var import = new Command("import", "Import a model trained elsewhere and register it.");
        import.Subcommands.Add(xgboost);
        return import;
    }

    private static string[]? SplitNames(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.TrimEntries);
}
