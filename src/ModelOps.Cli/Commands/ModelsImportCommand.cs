using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Jobs.Import;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops models import xgboost FILE --name NAME [--feature-names a,b,...] [--all-trees] [--json]</c>: parses the
/// arguments and runs <see cref="XGBoostImport"/> (the model becomes the next version of NAME, logged
/// in a run of experiment <c>imports</c>).
/// </summary>
internal static class ModelsImportCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var file = new Argument<string>("file") { Description = "The XGBoost model, JSON or UBJSON (Booster.save_model(\"m.json\") or \"m.ubj\")." };
        var name = new Option<string>("--name", "-n") { Description = "The registered model name; the import becomes its next version.", Required = true };
        var featureNames = new Option<string?>("--feature-names")
        {
            Description = "The input column names, comma-separated, one per XGBoost feature. Default: the names in the file, else f0, f1, ...",
        };
        var allTrees = new Option<bool>("--all-trees")
        {
            Description = "Keep every tree of a model that records a best iteration (early stopping). Default: the trees up to the best iteration, as XGBoost's scikit-learn predict uses.",
        };
        var json = StoreCommandOptions.Json();
        var xgboost = new Command("xgboost", "Import an XGBoost model, JSON or UBJSON (gbtree; reg:squarederror or binary:logistic), and register it as a new version.");
        xgboost.Arguments.Add(file);
        xgboost.Options.Add(name);
        xgboost.Options.Add(featureNames);
        xgboost.Options.Add(allTrees);
        xgboost.Options.Add(json);
        xgboost.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var path = parse.GetRequiredValue(file);
            var model = XGBoostImport.Read(path, SplitNames(parse.GetValue(featureNames)), parse.GetValue(allTrees));
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
                    imported.TreesInFile,
                    imported.BestIteration,
                    Features = model.FeatureNames.Count,
                    FeatureNames = model.FeatureNames,
                });
            }
            else
            {
                var trees = imported.Trees == imported.TreesInFile
                    ? string.Create(CultureInfo.InvariantCulture, $"{imported.Trees} trees")
                    : string.Create(CultureInfo.InvariantCulture, $"{imported.Trees} of {imported.TreesInFile} trees, up to best iteration {imported.BestIteration}");
                console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Registered {version.Model} version {version.Version} (XGBoost {imported.Objective}, {trees}, {model.FeatureNames.Count} features)"));
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
