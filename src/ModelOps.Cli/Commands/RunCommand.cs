using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using ModelOps.Cli.Rendering;
using ModelOps.Hub.Connectors.FineTuning;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;
using ModelOps.Jobs.Services;
using ModelOps.Kafka.Inference;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops run CONFIG... [-e EXTRAS]...</c>: merges the config files and extras, binds the job,
/// runs it inside its services and prints its summary; <c>--schema</c> prints the JSON Schema of the
/// whole config language instead.
/// </summary>
internal static class RunCommand
{
    public static Command Create(StoreCommandOptions store)
    {
        var configs = new Argument<string[]>("config")
        {
            Description = "Job config files (YAML), merged left to right.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var extras = new Option<string[]>("--extras", "-e")
        {
            Description = "YAML or JSON merged after the files, e.g. -e '{job: {model_name: x}}'. Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var schema = new Option<bool>("--schema") { Description = "Print the JSON Schema (draft 2020-12) of the config language and exit." };
        var json = StoreCommandOptions.Json();
        var run = new Command("run", "Run a job described by config files.");
        run.Arguments.Add(configs);
        run.Options.Add(extras);
        run.Options.Add(schema);
        run.Options.Add(json);
        run.SetAction(parse => CommandRunner.Run(parse.GetValue(store.Verbose), console =>
        {
            var kinds = Kinds();
            if (parse.GetValue(schema))
            {
                Console.Out.WriteLine(ConfigSchema.Generate(typeof(JobConfig), kinds));
                return ExitCodes.Success;
            }

            var files = parse.GetValue(configs) ?? [];
            if (files.Length == 0)
            {
                throw new ConfigException(new ConfigProblem("modelops run", 0, string.Empty, "no config file given (modelops run CONFIG.yaml [-e EXTRAS]...)"));
            }

            var document = new ConfigLoader().Load(files, parse.GetValue(extras) ?? []);
            var job = new ConfigBinder(kinds).Bind<JobConfig>(document).Job;
            var result = Execute(console, job, parse.GetRequiredValue(store.Database));
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize<object>(result, JsonOptions));
            }
            else
            {
                console.MarkupLineInterpolated($"[green]{job.Kind}[/]: {result.Summary}");
            }

            return ExitCodes.Success;
        }));
        return run;
    }

    /// <summary>The whole config language: the jobs of <see cref="JobKinds"/>, the streaming jobs and the LLM fine-tuning.</summary>
    public static ConfigKinds Kinds() => JobKinds.Create().AddKafkaJobs().AddConnectorJobs();

    /// <summary>
    /// Runs <paramref name="job"/> with console progress; shared by <c>run</c> and <c>demo</c>. The first Ctrl+C or
    /// SIGTERM cancels the job (a streaming job finishes its batch, commits and stops cleanly); a second one kills the process.
    /// </summary>
    public static JobResult Execute(IAnsiConsole console, Job job, string database, IJobProgress? progress = null)
    {
        var bars = progress as ConsoleJobProgress ?? new ConsoleJobProgress(console);
        var options = new JobRunOptions
        {
            Services = new JobServicesOptions { DatabaseOverride = database },
            Progress = progress ?? bars,
        };
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (!stop.IsCancellationRequested)
            {
                context.Cancel = true;
                Consoles.Error.MarkupLine($"[yellow]{context.Signal}[/]: stopping {Markup.Escape(job.Kind)} (again to kill it)");
                stop.Cancel();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return bars.RunAsync(() => JobRunner.RunAsync(job, options, stop.Token)).GetAwaiter().GetResult();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
