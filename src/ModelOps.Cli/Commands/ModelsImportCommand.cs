using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops models import xgboost FILE --name NAME [--feature-names a,b,...] [--json]</c>: converts an
/// XGBoost JSON model to a ModelOps model file, logs it as artifact <c>model.json</c> of a run in
/// experiment <c>imports</c> and registers it as the next version of NAME.
/// </summary>
internal static class ModelsImportCommand
{
    /// <summary>The experiment that holds import runs.</summary>
    public const string Experiment = "imports";

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
            var modelName = parse.GetRequiredValue(name);
            var model = Read(path, SplitNames(parse.GetValue(featureNames)));
            using var store = options.Open(parse);
            var version = RegisterAsync(store, modelName, path, model).GetAwaiter().GetResult();
            var trees = ((TreeEnsemble)model.Predictor!).Trees.Count;
            var objective = model.Metadata["xgboost_objective"];
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new
                {
                    Model = version.Model,
                    version.Version,
                    version.RunId,
                    version.ArtifactUri,
                    Objective = objective,
                    Trees = trees,
                    Features = model.FeatureNames.Count,
                    FeatureNames = model.FeatureNames,
                });
            }
            else
            {
                console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Registered {version.Model} version {version.Version} (XGBoost {objective}, {trees} trees, {model.FeatureNames.Count} features)"));
            }

            return ExitCodes.Success;
        }));

        var import = new Command("import", "Import a model trained elsewhere and register it.");
        import.Subcommands.Add(xgboost);
        return import;
    }

    private static string[]? SplitNames(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.TrimEntries);

    private static Model Read(string path, string[]? featureNames)
    {
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ModelFormatException($"{path}: file not found", error);
        }

        using (stream)
        {
            return XGBoostModelReader.Read(stream, path, featureNames);
        }
    }

    // The run records where the version came from; it ends FAILED when registering fails.
    private static async Task<ModelVersion> RegisterAsync(IModelStore store, string modelName, string path, Model model)
    {
        var xgboostVersion = model.Metadata["xgboost_version"];
        var run = await store.StartRunAsync(Experiment, new RunStart
        {
            Name = $"import-{modelName}",
            Description = $"Import of the XGBoost model {path}",
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = "import", ["format"] = "xgboost" },
        });
        try
        {
            await store.LogParametersAsync(run.Id, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["source"] = path,
                ["xgboost_version"] = xgboostVersion,
                ["objective"] = model.Metadata["xgboost_objective"],
                ["feature_names"] = string.Join(',', model.FeatureNames),
            });
            using var content = new MemoryStream(ModelFile.ToBytes(model), writable: false);
            var artifact = await store.LogArtifactAsync(run.Id, "model.json", content);
            var version = await store.RegisterVersionAsync(new NewModelVersion(modelName, artifact.Uri)
            {
                RunId = run.Id,
                Signature = ModelFile.SignatureJson(model),
                Description = $"Imported from XGBoost {xgboostVersion} ({Path.GetFileName(path)})",
                Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "xgboost" },
            });
            await store.EndRunAsync(run.Id, RunStatus.Finished);
            return version;
        }
        catch
        {
            await store.EndRunAsync(run.Id, RunStatus.Failed);
            throw;
        }
    }
}
