using System.CommandLine;
using ModelOps.Cli;
using ModelOps.Cli.Commands;

var verbose = new Option<bool>("--verbose", "-v")
{
    Description = "Print the stack trace of a failure.",
    Recursive = true,
};
var root = new RootCommand("ModelOps: tune, train, evaluate, explain, register and serve tabular models.");
root.Options.Add(verbose);
var store = new StoreCommandOptions(verbose);
root.Options.Add(store.Database);
root.Subcommands.Add(DemoCommand.Create(store));
root.Subcommands.Add(RunCommand.Create(store));
root.Subcommands.Add(DataCommand.Create(verbose));
root.Subcommands.Add(KafkaCommand.Create(verbose));
root.Subcommands.Add(ExperimentsCommand.Create(store));
root.Subcommands.Add(RunsCommand.Create(store));
root.Subcommands.Add(ModelsCommand.Create(store));
root.Subcommands.Add(ArtifactsCommand.Create(store));
root.Subcommands.Add(ServeCommand.Create(store));
root.Subcommands.Add(JobsCommand.Create(store));
root.Subcommands.Add(JobsCommand.Worker(store));
root.Subcommands.Add(TokensCommand.Create(store));
root.Subcommands.Add(ConnectorsCommand.Create(store));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var message in ParseErrors.Describe(parsed))
    {
        Console.Error.WriteLine($"error: {message}");
    }

    Console.Error.WriteLine("(run 'modelops --help' for the commands and options)");
    return ExitCodes.ConfigError;
}

return parsed.Invoke();
