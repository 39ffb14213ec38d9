using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Console;
using ModelOps.Cli.Rendering;
using ModelOps.Hub.Workers;
using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Queue;
using ModelOps.Store;
using ModelOps.Store.Queue;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops jobs submit|list|show|logs|cancel</c> (the durable job queue in the store) and <c>modelops worker</c>
/// (a process that runs the queued jobs).
/// </summary>
internal static class JobsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var jobs = new Command("jobs", "Queue jobs for workers (modelops worker, or modelops serve --workers N) and follow them.");
        jobs.Subcommands.Add(Submit(options));
        jobs.Subcommands.Add(List(options));
        jobs.Subcommands.Add(Show(options));
        jobs.Subcommands.Add(Logs(options));
        jobs.Subcommands.Add(Cancel(options));
        return jobs;
    }

    /// <summary><c>modelops worker [--concurrency N] [--lease SECONDS] [--kinds A,B]</c>: runs queued jobs until Ctrl+C or SIGTERM.</summary>
    public static Command Worker(StoreCommandOptions options)
    {
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "How many jobs run at once. Default: 1.", DefaultValueFactory = _ => 1 };
        var lease = new Option<double>("--lease")
        {
            Description = "Seconds a claim holds without a heartbeat: a worker that dies leaves its job to another after this. Default: 30.",
            DefaultValueFactory = _ => 30,
        };
        var kinds = new Option<string?>("--kinds") { Description = "Only claim jobs of these kinds, comma-separated (e.g. TrainingJob,FineTuningJob). Default: any." };
        var worker = new Command("worker", "Run queued jobs (modelops jobs submit, POST /api/jobs) until Ctrl+C or SIGTERM; a stopped worker gives its running jobs back to the queue.");
        worker.Options.Add(concurrency);
        worker.Options.Add(lease);
        worker.Options.Add(kinds);
        worker.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var database = parse.GetRequiredValue(options.Database);
            using var store = options.Open(parse);
            var settings = new WorkerOptions
            {
                Kinds = RunCommand.Kinds(),
                Database = database,
                Concurrency = parse.GetValue(concurrency),
                Lease = TimeSpan.FromSeconds(parse.GetValue(lease)),
                JobKinds = parse.GetValue(kinds)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            if (settings.Validate() is { Count: > 0 } problems)
            {
                throw new ConfigException(new ConfigProblem("modelops worker", 0, string.Empty, string.Join("; ", problems)));
            }

            using var loggers = WorkerLoggers();
            var runner = new JobWorker(store, settings, loggers.CreateLogger("worker"));
            using var stop = new CancellationTokenSource();
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

            // One line, flushed: scripts and tests wait for it.
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Worker {settings.Name} running {settings.Concurrency} slot{(settings.Concurrency == 1 ? string.Empty : "s")} on {store.Backend} {store.Location}"));
            Console.Out.Flush();
            runner.RunAsync(stop.Token).GetAwaiter().GetResult();
            Console.Out.WriteLine($"Worker {settings.Name} stopped");
            return ExitCodes.Success;
        }));
        return worker;
    }

    private static Command Submit(StoreCommandOptions options)
    {
        var configs = new Argument<string[]>("config") { Description = "Job config files (YAML), merged left to right.", Arity = ArgumentArity.OneOrMore };
        var extras = new Option<string[]>("--extras", "-e") { Description = "YAML or JSON merged after the files. Repeatable." };
        var maxAttempts = new Option<int>("--max-attempts") { Description = "The most attempts: a job whose worker died runs again until then (1 to 10). Default: 3.", DefaultValueFactory = _ => 3 };
        var json = StoreCommandOptions.Json();
        var submit = new Command("submit", "Check a job config and queue it for the workers; prints the job's id.");
        submit.Arguments.Add(configs);
        submit.Options.Add(extras);
        submit.Options.Add(maxAttempts);
        submit.Options.Add(json);
        submit.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var files = parse.GetRequiredValue(configs);
            var missing = files.Where(f => !File.Exists(f)).Select(f => new ConfigProblem(f, 0, string.Empty, "config file not found")).ToList();
            if (missing.Count > 0)
            {
                throw new ConfigException(missing);
            }

            List<ConfigSource> sources = [.. files.Select(f => new ConfigSource(f, File.ReadAllText(f))), .. (parse.GetValue(extras) ?? []).Select((e, i) => new ConfigSource(ConfigLoader.ExtrasName(i), e))];
            var job = QueuedJobConfig.Prepare(sources, RunCommand.Kinds(), maxAttempts: parse.GetValue(maxAttempts));
            using var store = options.Open(parse);
            var queued = store.Jobs.SubmitJobAsync(job, Environment.UserName).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(JobJson(queued));
            }
            else
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Queued job {queued.Id} ({queued.Kind}: {queued.Name}); follow it with: modelops jobs logs {queued.Id} --follow"));
            }

            return ExitCodes.Success;
        }));
        return submit;
    }

    private static Command List(StoreCommandOptions options)
    {
        var status = new Option<string?>("--status") { Description = "Only jobs in these states, comma-separated: queued, running, succeeded, failed, cancelled." };
        var kind = new Option<string?>("--kind") { Description = "Only jobs of this kind." };
        var limit = new Option<int>("--limit") { Description = "The most jobs listed (newest first). Default: 50.", DefaultValueFactory = _ => 50 };
        var json = StoreCommandOptions.Json();
        var list = new Command("list", "List queued, running and ended jobs, newest first.");
        list.Options.Add(status);
        list.Options.Add(kind);
        list.Options.Add(limit);
        list.Options.Add(json);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var statuses = new List<QueuedJobStatus>();
            foreach (var name in (parse.GetValue(status) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                statuses.Add(QueuedJobStatuses.TryParse(name, out var parsed)
                    ? parsed
                    : throw new StoreException(StoreErrorKind.Invalid, $"--status: '{name}' is not a job status (queued, running, succeeded, failed, cancelled)"));
            }

            using var store = options.Open(parse);
            var jobs = store.Jobs.ListJobsAsync(new JobQuery { Statuses = statuses, Kind = parse.GetValue(kind), Limit = parse.GetValue(limit) }).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(jobs.Select(JobJson));
                return ExitCodes.Success;
            }

            if (jobs.Count == 0)
            {
                console.WriteLine("No jobs; queue one with: modelops jobs submit CONFIG.yaml");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Id", "Kind", "Name", "Status", "Progress", "Attempts", "Worker", "Submitted (UTC)");
            foreach (var job in jobs)
            {
                table.AddRow(
                    job.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(job.Kind),
                    Markup.Escape(job.Name),
                    job.Status.ToName(),
                    string.Create(CultureInfo.InvariantCulture, $"{job.Percent:0}%"),
                    string.Create(CultureInfo.InvariantCulture, $"{job.Attempts}/{job.MaxAttempts}"),
                    Markup.Escape(job.Worker ?? string.Empty),
                    job.SubmittedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command Show(StoreCommandOptions options)
    {
        var id = new Argument<long>("id") { Description = "The job's id." };
        var json = StoreCommandOptions.Json();
        var show = new Command("show", "Show a job: status, progress, attempts, worker, its run, result or error, and its config.");
        show.Arguments.Add(id);
        show.Options.Add(json);
        show.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var job = store.Jobs.GetJobAsync(parse.GetValue(id)).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(JobJson(job));
                return ExitCodes.Success;
            }

            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    grid.AddRow($"[grey]{name}[/]", Markup.Escape(value));
                }
            }

            Row("Job", string.Create(CultureInfo.InvariantCulture, $"{job.Id} ({job.Kind}: {job.Name})"));
            Row("Status", job.Status.ToName() + (job.CancelRequested && !job.IsFinished ? " (cancel asked)" : string.Empty));
            Row("Progress", string.Create(CultureInfo.InvariantCulture, $"{job.Percent:0}%{(job.Message is null ? string.Empty : " " + job.Message)}"));
            Row("Attempts", string.Create(CultureInfo.InvariantCulture, $"{job.Attempts} of {job.MaxAttempts}"));
            Row("Worker", job.Worker);
            Row("Submitted", $"{Stamp(job.SubmittedAt)} by {job.SubmittedBy}");
            Row("Started", job.StartedAt is { } started ? Stamp(started) : null);
            Row("Finished", job.FinishedAt is { } finished ? Stamp(finished) : null);
            Row("Run", job.RunId);
            Row("Result", job.Result);
            Row("Error", job.Error is null ? null : $"{job.Error} ({job.ErrorKind})");
            console.Write(grid);
            foreach (var source in QueuedJobConfig.Sources(job.Config))
            {
                console.Write(new Panel(new Text(source.Text)).Header(Markup.Escape(source.Name)));
            }

            return ExitCodes.Success;
        }));
        return show;
    }

    private static Command Logs(StoreCommandOptions options)
    {
        var id = new Argument<long>("id") { Description = "The job's id." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing lines as they are written until the job ends; exit 1 unless it succeeded." };
        var logs = new Command("logs", "Print a job's log: the queue's lines (submitted, attempts, retries) and its own.");
        logs.Arguments.Add(id);
        logs.Options.Add(follow);
        logs.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var jobId = parse.GetValue(id);
            var queue = new JobQueueService(store, new Hub.HubOptions());
            using var stop = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            if (!parse.GetValue(follow))
            {
                foreach (var line in store.Jobs.GetJobLogAsync(jobId, 0, 10_000).GetAwaiter().GetResult())
                {
                    WriteLine(line);
                }

                return ExitCodes.Success;
            }

            try
            {
                var lines = queue.FollowLogAsync(jobId, 0, stop.Token).GetAsyncEnumerator(stop.Token);
                while (lines.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    WriteLine(lines.Current);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }

            var job = store.Jobs.GetJobAsync(jobId).GetAwaiter().GetResult();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"job {job.Id} {job.Status.ToName()}{(job.Error is null ? string.Empty : ": " + job.Error)}"));
            return job.Status == QueuedJobStatus.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return logs;
    }

    private static Command Cancel(StoreCommandOptions options)
    {
        var id = new Argument<long>("id") { Description = "The job's id." };
        var cancel = new Command("cancel", "Cancel a job: a queued one at once, a running one within a few seconds (its worker stops it).");
        cancel.Arguments.Add(id);
        cancel.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var job = store.Jobs.CancelJobAsync(parse.GetValue(id), Environment.UserName).GetAwaiter().GetResult();
            console.WriteLine(job.Status == QueuedJobStatus.Cancelled
                ? string.Create(CultureInfo.InvariantCulture, $"Cancelled job {job.Id}")
                : string.Create(CultureInfo.InvariantCulture, $"Asked worker {job.Worker} to stop job {job.Id}"));
            return ExitCodes.Success;
        }));
        return cancel;
    }

    private static void WriteLine(JobLogLine line)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line.At.UtcDateTime:HH:mm:ss} {line.Level,-5} [{line.Attempt}] {line.Message}"));
        Console.Out.Flush();
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static object JobJson(QueuedJob job) => new
    {
        job.Id,
        job.Kind,
        job.Name,
        Status = job.Status.ToName(),
        job.Percent,
        job.Message,
        job.Attempts,
        job.MaxAttempts,
        job.Worker,
        job.CancelRequested,
        job.RunId,
        Result = job.Result is null ? null : System.Text.Json.Nodes.JsonNode.Parse(job.Result),
        job.ErrorKind,
        job.Error,
        job.SubmittedBy,
        job.SubmittedAt,
        job.StartedAt,
        job.FinishedAt,
    };

    // The worker's own lines on stderr: which job it took and how it ended.
    private static ILoggerFactory WorkerLoggers() =>
        LoggerFactory.Create(builder =>
        {
            builder.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
            builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.SetMinimumLevel(LogLevel.Information);
        });
}
