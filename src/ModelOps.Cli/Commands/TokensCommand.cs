using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Groups;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary><c>modelops tokens create --role ROLE [--name NAME] [--json]</c> and <c>modelops tokens list [--json]</c>: API tokens of the hub.</summary>
internal static class TokensCommand
{
    public static Command Create(StoreCommandOptions options)
    {
        var role = new Option<string>("--role")
        {
            Description = $"What the token may do: {TokenRoleNames.Accepted}.",
            Required = true,
        };
        var name = new Option<string>("--name") { Description = "A name to tell tokens apart (recorded as the actor of group changes).", DefaultValueFactory = _ => "token" };
        var json = StoreCommandOptions.Json();
        var create = new Command("create", "Make an API token; its secret is printed once and only its SHA-256 is stored.");
        create.Options.Add(role);
        create.Options.Add(name);
        create.Options.Add(json);
        create.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var roleName = parse.GetRequiredValue(role);
            if (!TokenRoleNames.TryParse(roleName, out var parsed))
            {
                throw new StoreException(StoreErrorKind.Invalid, $"unknown role '{roleName}': use {TokenRoleNames.Accepted}");
            }

            using var store = options.Open(parse);
            var made = store.Tokens.CreateTokenAsync(parse.GetRequiredValue(name), parsed).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new { made.Token.Id, made.Token.Name, Role = made.Token.Role.ToName(), made.Secret });
            }
            else
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Token {made.Token.Id} '{made.Token.Name}' ({made.Token.Role.ToName()}); shown once, keep it safe:"));
                console.WriteLine(made.Secret);
            }

            return ExitCodes.Success;
        }));

        var listJson = StoreCommandOptions.Json();
        var list = new Command("list", "List API tokens (never their secrets).");
        list.Options.Add(listJson);
        list.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var tokens = store.Tokens.ListTokensAsync().GetAwaiter().GetResult();
            if (parse.GetValue(listJson))
            {
                StoreViews.WriteJson(tokens.Select(t => new { t.Id, t.Name, Role = t.Role.ToName(), t.CreatedAt }));
            }
            else
            {
                var table = new Table().AddColumns("id", "name", "role", "created");
                foreach (var token in tokens)
                {
                    table.AddRow(
                        token.Id.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(token.Name),
                        token.Role.ToName(),
                        token.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                }

                console.Write(table);
            }

            return ExitCodes.Success;
        }));

        var tokensCommand = new Command("tokens", "Manage the hub's API tokens.");
        tokensCommand.Subcommands.Add(create);
        tokensCommand.Subcommands.Add(list);
        return tokensCommand;
    }
}
