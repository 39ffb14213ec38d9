using System.CommandLine;
using ModelOps.Hub;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops serve [--urls URL] [--database URL]</c>: runs the hub until Ctrl+C or SIGTERM.</summary>
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
        var serve = new Command("serve", "Run the model hub: REST API (OpenAPI at /openapi/v1.json), group routing, inference logs.");
        serve.Options.Add(urls);
        serve.Options.Add(drain);
        serve.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var app = HubApp.CreateAsync(new HubOptions
            {
                Database = parse.GetRequiredValue(options.Database),
                Urls = parse.GetRequiredValue(urls),
                ShutdownDrain = TimeSpan.FromSeconds(parse.GetValue(drain)),
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
}
