using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops demo</c>: the main job. Runs the bike pipeline of <c>configs/bike/</c> on the store
/// (the embedded SQLite file unless <c>--database</c> or <c>MODELOPS_DATABASE_URL</c> say otherwise):
/// tuning with a small grid, training with the best parameters, promotion to Champion, inference with
/// SHAP, evaluations against thresholds and explanations; then a summary. A folder without the bike configs (any folder
/// but a checkout) first gets a copy of the configs and data shipped with <c>modelops</c> (<c>demo/</c> beside the
/// program), so an installed tool or the single-file binary runs the demo anywhere; the store and outputs are written
/// in that folder too.
/// </summary>
internal static class DemoCommand
{
    private const string Folder = "configs/bike";

    // Where the build puts the copies of configs/ and data/ (ModelOps.Cli.csproj), beside the program.
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "demo");

    // The demo's own settings, merged after each config file: quiet logs under the progress bars.
    private const string Quiet = "{job: {logger_service: {level: Warning}, alerts_service: {KIND: ConsoleAlerts, enabled: false}}}";

    public static Command Create(StoreCommandOptions store)
    {
        var root = new Option<string>("--root")
        {
            Description = "The folder holding data/ and configs/ (a ModelOps checkout); one without them first gets the copies shipped with modelops. Default: the current directory.",
            DefaultValueFactory = _ => ".",
        };
        var demo = new Command("demo", "Run the whole bike pipeline (tune, train, promote, predict, evaluate, explain) on the shipped data.");
        demo.Options.Add(root);
        demo.SetAction(parse => CommandRunner.Run(parse.GetValue(store.Verbose), console =>
        {
            var folder = Path.GetFullPath(parse.GetRequiredValue(root));
            if (!File.Exists(Path.Combine(folder, Folder, "training.yaml")))
            {
                if (!File.Exists(Path.Combine(Shipped, Folder, "training.yaml")))
                {
                    throw new ConfigException(new ConfigProblem("modelops demo", 0, string.Empty, $"{Path.Combine(folder, Folder)}: the bike configs are not there, and this modelops has no copy of them in {Shipped}; run the demo from the ModelOps checkout or pass --root"));
                }

                var copied = CopyShippedFiles(folder);
                console.MarkupLineInterpolated($"[grey]copied the demo's configs and data ({copied} files) into {folder}[/]");
            }

            Environment.CurrentDirectory = folder;
            var database = parse.GetRequiredValue(store.Database);
            console.MarkupLine("[bold]ModelOps demo[/]: the bike pipeline of configs/bike/ on the UCI Bike Sharing data");
            console.MarkupLineInterpolated($"[grey]store: {database}[/]");
            var progress = new ConsoleJobProgress(console);
            var tuning = (TuningResult)Run(console, progress, database, "tuning.yaml");
            var best = string.Join(", ", tuning.BestParameters.Select(p => $"{p.Key}: {p.Value}"));
            var training = (TrainingResult)Run(console, progress, database, "training.yaml", $"{{job: {{tuning_run: '{tuning.RunId}', model: {{{best}}}}}}}");
            var promotion = (PromotionResult)Run(console, progress, database, "promotion.yaml", $"{{job: {{version: {training.Version}}}}}");
            var inference = (InferenceResult)Run(console, progress, database, "inference.yaml");
            var evaluations = (EvaluationsResult)Run(console, progress, database, "evaluations.yaml");
            var explanations = (ExplanationsResult)Run(console, progress, database, "explanations.yaml");
            Summarize(console, database, tuning, training, promotion, inference, evaluations, explanations);
            return ExitCodes.Success;
        }));
        return demo;
    }

    /// <summary>Copies every shipped config and data file into <paramref name="folder"/>, keeping any file already there; returns how many were copied.</summary>
    private static int CopyShippedFiles(string folder)
    {
        var copied = 0;
        foreach (var source in Directory.EnumerateFiles(Shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(Shipped, source));
            if (!File.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
                copied++;
            }
        }

        return copied;
    }

    private static JobResult Run(IAnsiConsole console, ConsoleJobProgress progress, string database, string file, string? extra = null)
    {
        var path = $"{Folder}/{file}";
        var document = new ConfigLoader().Load([path], extra is null ? [Quiet] : [Quiet, extra]);
        var job = new ConfigBinder(RunCommand.Kinds()).Bind<JobConfig>(document).Job;
        console.MarkupLineInterpolated($"[bold]{job.Kind}[/] [grey]({path}{(extra is null ? string.Empty : $" -e '{extra}'")})[/]");
        var result = RunCommand.Execute(console, job, database, progress);
        console.MarkupLineInterpolated($"  [green]✓[/] {result.Summary}");
        return result;
    }

    private static void Summarize(IAnsiConsole console, string database, TuningResult tuning, TrainingResult training, PromotionResult promotion, InferenceResult inference, EvaluationsResult evaluations, ExplanationsResult explanations)
    {
        console.WriteLine();
        console.Write(new Rule("[bold]Summary[/]").LeftJustified());
        var table = new Table().Border(TableBorder.Rounded).AddColumn("step").AddColumn("result");
        table.AddRow("tuning", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"best {tuning.Metric} {tuning.BestScore:F2} over {tuning.Trials} candidates ({string.Join(", ", tuning.BestParameters.Select(p => $"{p.Key}={p.Value}"))})")));
        table.AddRow("registered", Markup.Escape($"{training.ModelName} version {training.Version} ({training.TrainRows:N0} training rows, {training.TestRows:N0} test rows)"));
        table.AddRow("test metrics", Markup.Escape(string.Join(", ", training.Metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:F4}")))));
        table.AddRow("promoted", Markup.Escape($"{promotion.ModelName} version {promotion.Version} @ {promotion.Alias}"));
        table.AddRow("evaluations", Markup.Escape(string.Join(", ", evaluations.Outcomes.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric} {o.Value:F4}{(o.Threshold is null ? string.Empty : $" {o.Bound} passed")}")))));
        table.AddRow("files written", Markup.Escape(string.Join("\n", new[] { inference.Output, explanations.ModelsOutput, explanations.SamplesOutput })));
        table.AddRow("top features", Markup.Escape(string.Join(", ", explanations.TopFeatures)));
        console.Write(table);
        console.MarkupLineInterpolated($"Browse the runs: [bold]modelops runs list --database {database}[/]");
        console.MarkupLineInterpolated($"Start the hub:   [bold]modelops tokens create --role admin --database {database}[/] (prints a token once), then");
        console.MarkupLineInterpolated($"                 [bold]modelops serve --urls http://127.0.0.1:5080 --database {database}[/]");
        console.MarkupLine("                 and open http://127.0.0.1:5080 and sign in with the token: the web UI, and the API reference at /scalar");
    }
}
