using System.CommandLine;
using ModelOps.Store;

namespace ModelOps.Cli.Commands;

/// <summary>The options every store command shares: the global <c>--database</c> and <c>--json</c>.</summary>
internal sealed class StoreCommandOptions
{
    public StoreCommandOptions(Option<bool> verbose)
    {
        Verbose = verbose;
    }

    /// <summary><c>--verbose</c>: print the stack trace of a failure.</summary>
    public Option<bool> Verbose { get; }

    /// <summary>
    /// <c>--database URL</c> (recursive, so it works after any subcommand): a SQLite path or
    /// <c>sqlite:///path</c>, or a <c>postgresql://</c> URL. Default: <c>MODELOPS_DATABASE_URL</c>,
    /// else <c>.modelops/modelops.db</c>.
    /// </summary>
    public Option<string> Database { get; } = new("--database")
    {
        Description = $"The store: a SQLite file (sqlite:///path or a path) or a postgresql:// URL. Default: ${StoreDefaults.DatabaseUrlVariable}, else {StoreDefaults.DatabasePath}.",
        Recursive = true,
        DefaultValueFactory = _ => StoreDefaults.DatabaseLocation(),
    };

    /// <summary><c>--json</c>: machine-readable output instead of tables.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Write JSON instead of a table." };

    /// <summary>Opens the store named by <c>--database</c>; the caller disposes it.</summary>
    public IModelStore Open(ParseResult parse) => StoreFactory.Open(parse.GetRequiredValue(Database));
}
