using ModelOps.Core.Interop.XGBoost;
using ModelOps.Core.Learners.Trees;
using ModelOps.Core.Models;
using ModelOps.Store;
using ModelOps.Store.Registry;
using ModelOps.Store.Tracking;

namespace ModelOps.Jobs.Import;

/// <summary>
/// Imports an XGBoost JSON model as the next version of a registered model: reads and converts the
/// file (<see cref="XGBoostModelReader"/>), then, in a run of experiment <see cref="Experiment"/> that
/// records where the version came from, registers it with <see cref="RegisteredModels.RegisterAsync"/>.
/// The run ends <see cref="RunStatus.Failed"/> when registering fails.
/// </summary>
public static class XGBoostImport
{
    /// <summary>The experiment that holds import runs.</summary>
    public const string Experiment = "imports";

    /// <summary>Reads and converts the XGBoost model at <paramref name="path"/> (before any store is opened, so a bad file touches nothing).</summary>
    /// <param name="path">The XGBoost JSON model (<c>Booster.save_model("m.json")</c>).</param>
    /// <param name="featureNames">The input column names, one per XGBoost feature; default: the file's names, else <c>f0, f1, ...</c>.</param>
    /// <exception cref="ModelFormatException">The file is missing, not an XGBoost model, or one ModelOps cannot convert.</exception>
    public static Model Read(string path, IReadOnlyList<string>? featureNames = null)
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
            return XGBoostModelReader.Read(stream, path, featureNames);
        }
    }

    /// <summary>Registers a model <see cref="Read"/> from <paramref name="path"/> as the next version of <paramref name="name"/>, in a run that records its source.</summary>
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
        var xgboostVersion = model.Metadata["xgboost_version"];
        var objective = model.Metadata["xgboost_objective"];
        var run = await store.StartRunAsync(Experiment, new RunStart
        {
            Name = $"import-{name}",
            Description = $"Import of the XGBoost model {path}",
            Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = "import", ["format"] = "xgboost" },
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.LogParametersAsync(run.Id, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["source"] = path,
                ["xgboost_version"] = xgboostVersion,
                ["objective"] = objective,
                ["feature_names"] = string.Join(',', model.FeatureNames),
            }, cancellationToken).ConfigureAwait(false);
            var version = await store.RegisterAsync(
                new ModelRegistration(name, model, run.Id)
                {
                    Description = $"Imported from XGBoost {xgboostVersion} ({Path.GetFileName(path)})",
                    Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "xgboost" },
                },
                cancellationToken).ConfigureAwait(false);
            await store.EndRunAsync(run.Id, RunStatus.Finished, cancellationToken).ConfigureAwait(false);
            return new XGBoostImportResult(version, model, objective, ((TreeEnsemble)model.Predictor!).Trees.Count);
        }
        catch
        {
            await store.EndRunAsync(run.Id, RunStatus.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}

/// <summary>What <see cref="XGBoostImport.RegisterAsync"/> registered.</summary>
/// <param name="Version">The new version.</param>
/// <param name="Model">The converted model.</param>
/// <param name="Objective">The XGBoost objective (<c>reg:squarederror</c>, <c>binary:logistic</c>).</param>
/// <param name="Trees">The number of trees imported.</param>
public sealed record XGBoostImportResult(ModelVersion Version, Model Model, string Objective, int Trees);
