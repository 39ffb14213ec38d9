using System.Globalization;
using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Import;

/// <summary>
/// Imports an XGBoost model (JSON or UBJSON) as the next version of a registered model: reads and converts the
/// file (<see cref="XGBoostModelReader"/>), then, in a run of experiment <see cref="Experiment"/> that
/// records where the version came from, registers it with <see cref="RegisteredModels.RegisterAsync"/>.
/// The run ends <see cref="RunStatus.Failed"/> when registering fails.
/// </summary>
public static class XGBoostImport
{
    /// <summary>The experiment that holds import runs.</summary>
    public const string Experiment = "imports";

    /// <summary>Reads and converts the XGBoost model at <paramref name="path"/> (before any store is opened, so a bad file touches nothing).</summary>
    /// <param name="path">The XGBoost model (<c>Booster.save_model("m.json")</c> or <c>"m.ubj"</c>).</param>
    /// <param name="featureNames">The input column names, one per XGBoost feature; default: the file's names, else <c>f0, f1, ...</c>.</param>
    /// <param name="allTrees">Whether to keep every tree of a model that records a best iteration (early stopping); default <see langword="false"/>: the trees up to it, as XGBoost's scikit-learn <c>predict</c> uses.</param>
    /// <exception cref="ModelFormatException">The file is missing, not an XGBoost model, or one ModelOps cannot convert.</exception>
    public static Model Read(string path, IReadOnlyList<string>? featureNames = null, bool allTrees = false)
    {
        ArgumentNullException.ThrowIfNull(path);
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
            return XGBoostModelReader.Read(stream, path, featureNames, allTrees);
        }
    }

    /// <summary>
    /// Registers a model <see cref="Read"/> from <paramref name="path"/> as the next version of <paramref name="name"/>, in a run
    /// that records its source. Which trees were kept is recorded in the run's parameters (<c>trees_in_file</c>, <c>trees_used</c>,
    /// <c>best_iteration</c> when the model has one), the version's tags (<c>trees_used</c>, <c>best_iteration</c>) and its description.
    /// </summary>
    /// <param name="store">The store to register in.</param>
    /// <param name="model">The converted model.</param>
    /// <param name="path">Where it was read from (recorded as the run's <c>source</c> parameter).</param>
    /// <param name="name">The registered model's name.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>The new version, with the model.</returns>
    /// <exception cref="StoreException">The database cannot be written.</exception>
    public static async Task<XGBoostImportResult> RegisterAsync(IModelStore store, Model model, string path, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(name);
        var record = Describe(model, path);
        var run = await store.StartRunAsync(Experiment, new RunStart
        {
            Name = $"import-{name}",
            Description = $"Import of the XGBoost model {path}",
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = "import", ["format"] = "xgboost" },
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.LogParametersAsync(run.Id, record.Parameters, cancellationToken).ConfigureAwait(false);
            var version = await store.RegisterAsync(
                new ModelRegistration(name, model, run.Id) { Description = record.Description, Tags = record.Tags },
                cancellationToken).ConfigureAwait(false);
            await store.EndRunAsync(run.Id, RunStatus.Finished, cancellationToken).ConfigureAwait(false);
            return new XGBoostImportResult(version, model, record.Objective, record.Trees, record.TreesInFile, record.BestIteration);
        }
        catch
        {
            await store.EndRunAsync(run.Id, RunStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// What an import records of a converted XGBoost model, whichever import registers it: the run's parameters
    /// (<c>source</c>, <c>xgboost_version</c>, <c>objective</c>, <c>feature_names</c>, <c>trees_in_file</c>, <c>trees_used</c>,
    /// <c>best_iteration</c>), the version's tags (<c>source</c> = <c>xgboost</c>, <c>trees_used</c>, <c>best_iteration</c>) and its description.
    /// </summary>
    internal static XGBoostRecord Describe(Model model, string source)
    {
        var xgboostVersion = model.Metadata["xgboost_version"];
        var objective = model.Metadata["xgboost_objective"];
        var treesInFile = model.Metadata[XGBoostModelReader.TreesInFileKey];
        var treesUsed = model.Metadata[XGBoostModelReader.TreesUsedKey];
        var bestIteration = model.Metadata.GetValueOrDefault(XGBoostModelReader.BestIterationKey);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["source"] = source,
            ["xgboost_version"] = xgboostVersion,
            ["objective"] = objective,
            ["feature_names"] = string.Join(',', model.FeatureNames),
            ["trees_in_file"] = treesInFile,
            ["trees_used"] = treesUsed,
        };
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "xgboost", ["trees_used"] = treesUsed };
        if (bestIteration is not null)
        {
            parameters["best_iteration"] = bestIteration;
            tags["best_iteration"] = bestIteration;
        }

        return new XGBoostRecord(
            parameters,
            tags,
            $"Imported from XGBoost {xgboostVersion} ({Path.GetFileName(source)}); {TreesDescription(treesInFile, treesUsed, bestIteration)}",
            objective,
            ((TreeEnsemble)model.Predictor!).Trees.Count,
            int.Parse(treesInFile, CultureInfo.InvariantCulture),
            bestIteration is null ? null : int.Parse(bestIteration, CultureInfo.InvariantCulture));
    }

    /// <summary>Which trees the version holds: "50 trees" (no best iteration), "the 11 trees up to best iteration 10 (of 21 in the file)", "all 21 trees (best iteration 10)".</summary>
    private static string TreesDescription(string inFile, string used, string? bestIteration) =>
        bestIteration is null ? $"{used} trees"
        : inFile == used ? $"all {used} trees (best iteration {bestIteration})"
        : $"the {used} trees up to best iteration {bestIteration} (of {inFile} in the file)";
}

/// <summary>What <see cref="XGBoostImport.RegisterAsync"/> registered.</summary>
/// <param name="Version">The new version.</param>
/// <param name="Model">The converted model.</param>
/// <param name="Objective">The XGBoost objective (<c>reg:squarederror</c>, <c>binary:logistic</c>).</param>
/// <param name="Trees">The number of trees imported.</param>
/// <param name="TreesInFile">The number of trees in the file (more than <paramref name="Trees"/> when the trees after the best iteration were left out).</param>
/// <param name="BestIteration">The best iteration the model records (early stopping), or <see langword="null"/>.</param>
public sealed record XGBoostImportResult(ModelVersion Version, Model Model, string Objective, int Trees, int TreesInFile, int? BestIteration);

/// <summary>What an import records of a converted XGBoost model (<see cref="XGBoostImport.Describe"/>).</summary>
internal sealed record XGBoostRecord(
    Dictionary<string, string> Parameters,
    Dictionary<string, string> Tags,
    string Description,
    string Objective,
    int Trees,
    int TreesInFile,
    int? BestIteration);
