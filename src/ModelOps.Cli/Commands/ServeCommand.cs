using System.CommandLine;
using ModelOps.Hub;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops serve [--urls URL] [--database URL] [--workers N] [--alert-webhook URL]</c>: runs the hub until Ctrl+C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"The addresses to listen on, ';'-separated (port 0 picks a free one). Default: {HubDefaults.Urls}.",
            DefaultValueFactory = _ => HubDefaults.Urls,
        };
        var drain = new Option<double>("--drain")
        {
            Description = $"Seconds a stopping hub (SIGTERM, Ctrl+C) keeps answering, with Connection: close and /health 503, before it stops listening. Default: {HubDefaults.ShutdownDrain.TotalSeconds:0}.",
            DefaultValueFactory = _ => HubDefaults.ShutdownDrain.TotalSeconds,
        };
        var workers = new Option<int>("--workers")
        {
            Description = "How many queued jobs the hub itself runs at once (0: none; modelops worker processes run them). Default: 0.",
            DefaultValueFactory = _ => 0,
        };
        var webhook = new Option<Uri?>("--alert-webhook")
        {
            Description = "An http(s) URL the hub POSTs its alerts to ({\"title\": ..., \"message\": ...}), such as a guardrail that took a Challenger's traffic. Default: none (the log only).",
            CustomParser = result => Uri.TryCreate(result.Tokens[0].Value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url
                : Fail(result, $"--alert-webhook: '{result.Tokens[0].Value}' is not an absolute http or https URL"),
        };
        var serve = new Command("serve", "Run the model hub: REST API (OpenAPI at /openapi/v1.json), web UI, group routing, inference logs, and with --workers the job queue's workers.");
        serve.Options.Add(urls);
        serve.Options.Add(drain);
        serve.Options.Add(workers);
        serve.Options.Add(webhook);
        serve.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var app = HubApp.CreateAsync(new HubOptions
            {
                Database = parse.GetRequiredValue(options.Database),

                // A store upgraded on opening says how far building its statistics has come (stderr: stdout says where it listens).
                Store = HubDefaults.Store(line => Console.Error.WriteLine(line)),
                Urls = parse.GetRequiredValue(urls),
                ShutdownDrain = TimeSpan.FromSeconds(parse.GetValue(drain)),
                Workers = parse.GetValue(workers),
                AlertWebhook = parse.GetValue(webhook),
                JobKinds = RunCommand.Kinds(),
            }).GetAwaiter().GetResult();
            try
            {
                app.StartAsync().GetAwaiter().GetResult();
                foreach (var address in HubApp.Addresses(app))
                {
                    // One line per address, flushed: scripts and tests wait for it.
                    Console.Out.WriteLine($"Listening on {address}");
                }

                Console.Out.Flush();
                app.WaitForShutdownAsync().GetAwaiter().GetResult();
            }
            finally
            {
                app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return ExitCodes.Success;
        }));
        return serve;
    }

    private static Uri? Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }
}
