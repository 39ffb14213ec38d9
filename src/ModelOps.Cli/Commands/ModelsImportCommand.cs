using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Hub.Connectors;
using ModelOps.Hub.Import;
using ModelOps.Jobs.Datasets;
using ModelOps.Jobs.Import;
using ModelOps.Jobs.Import.Metadata;
using ModelOps.Store;
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

        var import = new Command("import", "Import a model trained elsewhere, or its metadata, and register it.");
        import.Subcommands.Add(xgboost);
        import.Subcommands.Add(Metadata(options));
        return import;
    }

    /// <summary>
    /// <c>modelops models import metadata FILE [--connector NAME] [--spec FILE] [--name NAME] [--write-spec FILE] [--dry-run] [--xgboost MODEL [--all-trees]] [--json]</c>:
    /// maps a model-metadata file shaped by any tool to ModelOps' schema (<see cref="MetadataImport"/>) and registers it
    /// as an external version, with its XGBoost model when one is given.
    /// </summary>
    private static Command Metadata(StoreCommandOptions options)
    {
        var file = new Argument<string>("file") { Description = "The model's metadata as JSON, as another tool wrote it (an MLflow run export, a SageMaker model package, a model card...)." };
        var connector = new Option<string?>("--connector") { Description = "Ask this connector's LLM to propose the mapping (see 'modelops connectors list'). Default: the deterministic mapper." };
        var spec = new Option<string?>("--spec") { Description = "Apply this mapping spec (JSON: {\"rules\": [...]}, e.g. one written by --write-spec and edited) instead of proposing one." };
        var name = new Option<string?>("--name", "-n") { Description = "The registered model's name; the import becomes its next version. Default: made from the metadata's name." };
        var writeSpec = new Option<string?>("--write-spec") { Description = "Write the mapping spec to this file (to edit it and import again with --spec)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the mapping and the result; register nothing." };
        var xgboost = new Option<string?>("--xgboost")
        {
            Description = "The model's XGBoost file (JSON or UBJSON): the version then holds it and can serve. Its features must be the ones the metadata lists (a file without names takes the metadata's).",
        };
        var allTrees = new Option<bool>("--all-trees") { Description = "With --xgboost: keep every tree of a model that records a best iteration." };
        var json = StoreCommandOptions.Json();
        var command = new Command("metadata", "Map a model-metadata file from another tool to ModelOps' schema (deterministically or through a connector's LLM), validate it and register it as an external version: metadata only, or with its XGBoost model (--xgboost).");
        command.Arguments.Add(file);
        command.Options.Add(connector);
        command.Options.Add(spec);
        command.Options.Add(name);
        command.Options.Add(writeSpec);
        command.Options.Add(dryRun);
        command.Options.Add(xgboost);
        command.Options.Add(allTrees);
        command.Options.Add(json);
        command.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var path = parse.GetRequiredValue(file);
            var source = ReadSource(path);
            var fileName = Path.GetFileName(path);
            if (parse.GetValue(spec) is not null && parse.GetValue(connector) is not null)
            {
                throw new StoreException(StoreErrorKind.Invalid, "give --spec (your mapping) or --connector (the LLM proposes one), not both");
            }

            if (parse.GetValue(allTrees) && parse.GetValue(xgboost) is null)
            {
                throw new StoreException(StoreErrorKind.Invalid, "--all-trees applies to the model file: give it with --xgboost FILE");
            }

            var attached = parse.GetValue(xgboost) is { } modelPath
                ? new AttachedModel(Path.GetFileName(modelPath), ReadSource(modelPath)) { AllTrees = parse.GetValue(allTrees) }
                : null;

            using var store = options.Open(parse);
            var connectorName = parse.GetValue(connector);
            MetadataProposal proposal;
            if (parse.GetValue(spec) is { } specPath)
            {
                proposal = MetadataImport.Apply(source, fileName, ReadSpec(specPath));
            }
            else
            {
                var imports = new MetadataImports(store, new ConnectorService(store.Connectors, new ConnectorClientFactory()));
                proposal = imports.ProposeAsync(source, fileName, connectorName, CancellationToken.None).GetAwaiter().GetResult();
            }

            if (parse.GetValue(writeSpec) is { } specOut)
            {
                AtomicFile.Write(specOut, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(proposal.Spec.ToJson() + "\n")));
            }

            MetadataImportResult? result = null;
            if (proposal.IsValid && parse.GetValue(dryRun) && attached is not null && proposal.Metadata is { } dryMetadata)
            {
                // A dry run checks the model file against the metadata too, writing nothing.
                attached.Read(dryMetadata);
            }

            if (proposal.IsValid && !parse.GetValue(dryRun))
            {
                var save = new MetadataSave(Environment.UserName) { ModelName = parse.GetValue(name), Connector = connectorName, Model = attached };
                result = MetadataRegistration.RegisterAsync(store, proposal, source, save).GetAwaiter().GetResult();
            }

            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new
                {
                    proposal.FileName,
                    proposal.SourceDigest,
                    Origin = proposal.Origin.ToString().ToLowerInvariant(),
                    Spec = proposal.Spec.ToJsonObject(),
                    Mapped = proposal.Mapped,
                    Problems = proposal.Problems.Select(p => p.ToString()),
                    Errors = proposal.Errors.Select(e => e.ToString()),
                    Attempts = proposal.Attempts.Count,
                    Valid = proposal.IsValid,
                    Model = result?.Version.Model,
                    Version = result?.Version.Version,
                    RunId = result?.Version.RunId,
                    ModelFile = result?.Model is null ? null : AttachedModel.XGBoostFormat,
                    Features = result?.Model?.FeatureNames,
                });
            }
            else
            {
                MappingView.Write(console, proposal);
                if (result is not null)
                {
                    console.WriteLine(result.Model is { } model
                        ? string.Create(CultureInfo.InvariantCulture, $"Registered {result.Version.Model} version {result.Version.Version} (external with its XGBoost model: {result.Metadata.Metrics.Count} metrics, {model.FeatureNames.Count} features; it can serve); run {result.Version.RunId}")
                        : string.Create(CultureInfo.InvariantCulture, $"Registered {result.Version.Model} version {result.Version.Version} (external: {result.Metadata.Metrics.Count} metrics, {result.Metadata.Features.Count} features); run {result.Version.RunId}"));
                }
            }

            if (!proposal.IsValid)
            {
                var problems = proposal.Problems.Select(p => p.ToString()).Concat(proposal.Errors.Select(e => e.ToString()));
                throw new DatasetException($"the mapping of {fileName} does not give valid metadata, so nothing was saved: {string.Join("; ", problems)}; write the spec with --write-spec FILE, fix it and import again with --spec FILE");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static byte[] ReadSource(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"{path}: cannot be read: {error.Message}");
        }
    }

    private static MappingSpec ReadSpec(string path)
    {
        try
        {
            return MappingSpec.Parse(File.ReadAllText(path));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"--spec {path}: cannot be read: {error.Message}");
        }
    }

    private static string[]? SplitNames(string? text) =>
        text is null ? null : text.Split(',', StringSplitOptions.TrimEntries);
}
