using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Hub.Connectors;
using ModelOps.Store;
using ModelOps.Store.Connectors;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops connectors add|list|update|remove|rotate-key</c>: connectors to LLM providers. An API key is never an
/// argument (it would stay in the shell's history and the process list): it is read from an environment variable, a
/// file or standard input, and never printed.
/// </summary>
internal static class ConnectorsCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var command = new Command("connectors", "Manage connectors to LLM providers (OpenAI, Anthropic, Gemini, OpenAI-compatible endpoints); their API keys are encrypted at rest.");
        command.Subcommands.Add(Add(options));
        command.Subcommands.Add(List(options));
        command.Subcommands.Add(Update(options));
        command.Subcommands.Add(Test(options));
        command.Subcommands.Add(Remove(options));
        command.Subcommands.Add(RotateKey(options));
        return command;
    }

    private static Command Add(StoreCommandOptions options)
    {
        var name = new Argument<string>("name") { Description = "The connector's name: letters, digits, '-', '_' and '.'." };
        var kind = new Option<string>("--kind") { Description = $"The provider's protocol: {ConnectorKindNames.Accepted}.", Required = true };
        var model = new Option<string>("--model") { Description = "The model its calls use (gpt-4o-mini, claude-sonnet-4-5, gemini-2.5-flash, llama3.1).", Required = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "The endpoint's base URL; required for openai-compatible (e.g. http://localhost:11434/v1). Default: the provider's own." };
        var timeout = new Option<double?>("--timeout") { Description = "How long one call may take, in seconds (1 to 600). Default: 60." };
        var key = new KeyOptions();
        var json = StoreCommandOptions.Json();
        var add = new Command("add", "Add a connector. The API key is read from --api-key-env, --api-key-file or --api-key-stdin, never from an argument.");
        add.Arguments.Add(name);
        add.Options.Add(kind);
        add.Options.Add(model);
        add.Options.Add(baseUrl);
        add.Options.Add(timeout);
        key.AddTo(add);
        add.Options.Add(json);
        add.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var kindName = parse.GetRequiredValue(kind);
            if (!ConnectorKindNames.TryParse(kindName, out var parsed))
            {
                throw new StoreException(StoreErrorKind.Invalid, $"unknown connector kind '{kindName}': use {ConnectorKindNames.Accepted}");
            }

            var apiKey = key.Read(parse);
            using var store = options.Open(parse);
            var added = store.Connectors.AddConnectorAsync(
                new NewConnector(parse.GetRequiredValue(name), parsed, parse.GetRequiredValue(model)) { BaseUrl = parse.GetValue(baseUrl), ApiKey = apiKey, Timeout = Seconds(parse.GetValue(timeout)) },
                Environment.UserName).GetAwaiter().GetResult();
            Write(console, added, parse.GetValue(json), $"Connector '{added.Name}' added");
            return ExitCodes.Success;
        }));
        return add;
    }

    private static Command List(StoreCommandOptions options)
    {
        var json = StoreCommandOptions.Json();
        var list = new Command("list", "List connectors (never their API keys: only the last 4 characters and when each was set).");
        list.Options.Add(json);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var connectors = store.Connectors.ListConnectorsAsync().GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(connectors.Select(View));
                return ExitCodes.Success;
            }

            if (connectors.Count == 0)
            {
                console.WriteLine("No connectors; add one with 'modelops connectors add NAME --kind openai --model gpt-4o-mini --api-key-env OPENAI_API_KEY'.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("name", "kind", "model", "base URL", "timeout", "API key", "added");
            foreach (var connector in connectors)
            {
                table.AddRow(
                    Markup.Escape(connector.Name),
                    connector.Kind.ToName(),
                    Markup.Escape(connector.Model),
                    Markup.Escape(connector.BaseUrl ?? "(provider's)"),
                    string.Create(CultureInfo.InvariantCulture, $"{(connector.Timeout ?? ConnectorDefaults.Timeout).TotalSeconds:0.###} s"),
                    Markup.Escape(KeyText(connector)),
                    Markup.Escape($"{Time(connector.CreatedAt)} by {connector.CreatedBy}"));
            }

            console.Write(table);
            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command Update(StoreCommandOptions options)
    {
        var name = new Argument<string>("name") { Description = "The connector (see 'modelops connectors list')." };
        var model = new Option<string?>("--model") { Description = "A new default model." };
        var baseUrl = new Option<string?>("--base-url") { Description = "A new base URL; an empty string goes back to the provider's own." };
        var timeout = new Option<double?>("--timeout") { Description = "A new timeout, in seconds (1 to 600)." };
        var key = new KeyOptions();
        var json = StoreCommandOptions.Json();
        var update = new Command("update", "Change a connector's model, base URL, timeout or API key (the old key is overwritten, never shown).");
        update.Arguments.Add(name);
        update.Options.Add(model);
        update.Options.Add(baseUrl);
        update.Options.Add(timeout);
        key.AddTo(update);
        update.Options.Add(json);
        update.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var change = new ConnectorChange { Model = parse.GetValue(model), BaseUrl = parse.GetValue(baseUrl), ApiKey = key.Read(parse), Timeout = Seconds(parse.GetValue(timeout)) };
            if (change == new ConnectorChange())
            {
                throw new StoreException(StoreErrorKind.Invalid, "nothing to change: give --model, --base-url, --timeout or a new API key (--api-key-env, --api-key-file, --api-key-stdin)");
            }

            using var store = options.Open(parse);
            var changed = store.Connectors.UpdateConnectorAsync(parse.GetRequiredValue(name), change).GetAwaiter().GetResult();
            Write(console, changed, parse.GetValue(json), $"Connector '{changed.Name}' changed");
            return ExitCodes.Success;
        }));
        return update;
    }

    private static Command Test(StoreCommandOptions options)
    {
        var name = new Argument<string>("name") { Description = "The connector (see 'modelops connectors list')." };
        var json = StoreCommandOptions.Json();
        var test = new Command("test", "Make one small call through a connector: which model answered and how fast, or what failed (bad key, rate limit, timeout, unreachable). Exit code 8 when it failed.");
        test.Arguments.Add(name);
        test.Options.Add(json);
        test.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var connector = parse.GetRequiredValue(name);
            var check = new ConnectorService(store.Connectors, new ConnectorClientFactory()).CheckAsync(connector, CancellationToken.None).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new { check.Succeeded, check.Message, ElapsedMs = (long)check.Elapsed.TotalMilliseconds, check.Model, Error = check.Error?.Kind.ToString(), check.Error?.StatusCode, RetryAfterSeconds = check.Error?.RetryAfter?.TotalSeconds });
            }
            else if (check.Succeeded)
            {
                console.WriteLine($"Connector '{connector}': {check.Message}");
            }

            if (!check.Succeeded && !parse.GetValue(json))
            {
                Consoles.Error.MarkupLineInterpolated($"[red]error:[/] connector '{connector}': {check.Message}");
            }

            return check.Succeeded ? ExitCodes.Success : ExitCodes.ServiceUnavailable;
        }));
        return test;
    }

    private static Command Remove(StoreCommandOptions options)
    {
        var name = new Argument<string>("name") { Description = "The connector (see 'modelops connectors list')." };
        var remove = new Command("remove", "Remove a connector and its API key.");
        remove.Arguments.Add(name);
        remove.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            store.Connectors.RemoveConnectorAsync(parse.GetRequiredValue(name)).GetAwaiter().GetResult();
            console.WriteLine($"Connector '{parse.GetRequiredValue(name)}' removed with its API key.");
            return ExitCodes.Success;
        }));
        return remove;
    }

    private static Command RotateKey(StoreCommandOptions options)
    {
        var rotate = new Command("rotate-key", $"Rotate the master key that encrypts the API keys: with the key file, a new key replaces it; with {SecretKeyRing.KeyVariable}=NEW,OLD, the keys are re-encrypted under NEW.");
        rotate.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var rotation = store.Connectors.RotateMasterKeyAsync().GetAwaiter().GetResult();
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rotation.Reencrypted} API key(s) re-encrypted under master key {rotation.CurrentKeyId}; retired: {string.Join(", ", rotation.RetiredKeyIds)}."));
            console.WriteLine(rotation.KeyFile is { } file
                ? $"{file} now holds only the new key: copy it to every hub of this database (or set {SecretKeyRing.KeyVariable} to its content) before they next read a key."
                : $"Now drop the retired key(s) from {SecretKeyRing.KeyVariable} on every hub.");
            return ExitCodes.Success;
        }));
        return rotate;
    }

    private static void Write(IAnsiConsole console, Connector connector, bool json, string done)
    {
        if (json)
        {
            StoreViews.WriteJson(View(connector));
            return;
        }

        console.WriteLine($"{done}: {connector.Kind.ToName()}, model {connector.Model}, base URL {connector.BaseUrl ?? "(provider's)"}, API key {KeyText(connector)}.");
    }

    private static object View(Connector connector) => new
    {
        connector.Name,
        Kind = connector.Kind.ToName(),
        connector.Model,
        connector.BaseUrl,
        TimeoutSeconds = (connector.Timeout ?? ConnectorDefaults.Timeout).TotalSeconds,
        KeyHint = connector.KeyHint is { } hint ? "..." + hint : null,
        connector.KeySetAt,
        connector.CreatedAt,
        connector.CreatedBy,
        connector.UpdatedAt,
    };

    private static string KeyText(Connector connector) => connector.KeySetAt is { } setAt
        ? $"{(connector.KeyHint is { } hint ? "..." + hint : "(short key)")}, set {Time(setAt)}"
        : "none";

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The three ways to hand the CLI an API key without putting it on the command line.</summary>
    private sealed class KeyOptions
    {
        private readonly Option<string?> _env = new("--api-key-env") { Description = "The environment variable that holds the API key (e.g. OPENAI_API_KEY)." };
        private readonly Option<string?> _file = new("--api-key-file") { Description = "A file whose first line is the API key." };
        private readonly Option<bool> _stdin = new("--api-key-stdin") { Description = "Read the API key from standard input (one line)." };

        public void AddTo(Command command)
        {
            command.Options.Add(_env);
            command.Options.Add(_file);
            command.Options.Add(_stdin);
        }

        /// <summary>The key, or <see langword="null"/> when no key option was given.</summary>
        public string? Read(ParseResult parse)
        {
            var variable = parse.GetValue(_env);
            var file = parse.GetValue(_file);
            var stdin = parse.GetValue(_stdin);
            if ((variable is null ? 0 : 1) + (file is null ? 0 : 1) + (stdin ? 1 : 0) > 1)
            {
                throw new StoreException(StoreErrorKind.Invalid, "give the API key one way: --api-key-env, --api-key-file or --api-key-stdin");
            }

            if (variable is not null)
            {
                return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                    ? value.Trim()
                    : throw new StoreException(StoreErrorKind.Invalid, $"--api-key-env: environment variable '{variable}' is not set or empty");
            }

            if (file is not null)
            {
                try
                {
                    return File.ReadLines(file).FirstOrDefault(l => l.Trim().Length > 0)?.Trim()
                        ?? throw new StoreException(StoreErrorKind.Invalid, $"--api-key-file: {file} is empty");
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    throw new StoreException(StoreErrorKind.Invalid, $"--api-key-file: {file} cannot be read: {error.Message}", error);
                }
            }

            return stdin
                ? Console.In.ReadLine()?.Trim() is { Length: > 0 } line ? line : throw new StoreException(StoreErrorKind.Invalid, "--api-key-stdin: standard input held no key")
                : null;
        }
    }
}
