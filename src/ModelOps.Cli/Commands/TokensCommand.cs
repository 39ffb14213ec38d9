using System.CommandLine;
using System.Globalization;
using ModelOps.Cli.Rendering;
using ModelOps.Store;
using ModelOps.Store.Auth;
using ModelOps.Store.Groups;
using Spectre.Console;

namespace ModelOps.Cli.Commands;

/// <summary>
/// <c>modelops tokens create --role ROLE [--name NAME] [--expires DATE] [--json]</c>, <c>modelops tokens list [--json]</c>
/// and <c>modelops tokens revoke ID [--json]</c>: API tokens of the hub.
/// </summary>
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
        var expires = new Option<string?>("--expires") { Description = "When the token stops being accepted: an ISO 8601 date or date-time (UTC unless it says otherwise). Default: never." };
        var json = StoreCommandOptions.Json();
        var create = new Command("create", "Make an API token; its secret is printed once and only its SHA-256 is stored.");
        create.Options.Add(role);
        create.Options.Add(name);
        create.Options.Add(expires);
        create.Options.Add(json);
        create.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            var roleName = parse.GetRequiredValue(role);
            if (!TokenRoleNames.TryParse(roleName, out var parsed))
            {
                throw new StoreException(StoreErrorKind.Invalid, $"unknown role '{roleName}': use {TokenRoleNames.Accepted}");
            }

            DateTimeOffset? expiresAt = null;
            if (parse.GetValue(expires) is { } expiresText)
            {
                expiresAt = DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? at
                    : throw new StoreException(StoreErrorKind.Invalid, $"--expires '{expiresText}' is not an ISO 8601 date or date-time (write 2027-01-31 or 2027-01-31T18:00:00Z)");
            }

            using var store = options.Open(parse);
            var made = store.Tokens.CreateTokenAsync(parse.GetRequiredValue(name), parsed, expiresAt).GetAwaiter().GetResult();
            if (parse.GetValue(json))
            {
                StoreViews.WriteJson(new { made.Token.Id, made.Token.Name, Role = made.Token.Role.ToName(), made.Token.ExpiresAt, made.Secret });
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
                StoreViews.WriteJson(tokens.Select(t => new { t.Id, t.Name, Role = t.Role.ToName(), t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt }));
            }
            else
            {
                var table = new Table().AddColumns("id", "name", "role", "created", "expires", "revoked", "last used");
                foreach (var token in tokens)
                {
                    table.AddRow(
                        token.Id.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(token.Name),
                        token.Role.ToName(),
                        Time(token.CreatedAt),
                        token.ExpiresAt is { } at ? Time(at) : "never",
                        token.RevokedAt is { } revoked ? Time(revoked) : "-",
                        token.LastUsedAt is { } used ? Time(used) : "never");
                }

                console.Write(table);
            }

            return ExitCodes.Success;
        }));

        var id = new Argument<long>("id") { Description = "The token's id (see 'modelops tokens list')." };
        var revokeJson = StoreCommandOptions.Json();
        var revoke = new Command("revoke", "Revoke an API token: every hub refuses it within 2 seconds.");
        revoke.Arguments.Add(id);
        revoke.Options.Add(revokeJson);
        revoke.SetAction(parse => CommandRunner.Run(parse.GetValue(options.Verbose), console =>
        {
            using var store = options.Open(parse);
            var token = store.Tokens.RevokeTokenAsync(parse.GetRequiredValue(id)).GetAwaiter().GetResult();
            if (parse.GetValue(revokeJson))
            {
                StoreViews.WriteJson(new { token.Id, token.Name, Role = token.Role.ToName(), token.RevokedAt });
            }
            else
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Token {token.Id} '{token.Name}' ({token.Role.ToName()}) revoked at {Time(token.RevokedAt!.Value)} UTC"));
            }

            return ExitCodes.Success;
        }));

        var tokensCommand = new Command("tokens", "Manage the hub's API tokens.");
        tokensCommand.Subcommands.Add(create);
        tokensCommand.Subcommands.Add(list);
        tokensCommand.Subcommands.Add(revoke);
        return tokensCommand;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
