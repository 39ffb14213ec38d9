using System.Globalization;
using Npgsql;

namespace ModelOps.Store.Postgres;

/// <summary>
/// A <c>postgresql://user:password@host:port/database?option=value</c> URL, as libpq writes it.
/// Missing parts default like libpq: host <c>localhost</c>, port 5432, the operating-system user,
/// a database named like the user. Options: <c>sslmode</c>, <c>search_path</c> (or <c>schema</c>),
/// <c>application_name</c>.
/// </summary>
internal sealed record PostgresUrl(string Host, int Port, string User, string? Password, string Database, string? SearchPath, string? SslMode, string? ApplicationName)
{
    private static readonly string[] Options = ["sslmode", "search_path", "schema", "application_name"];

    /// <summary><c>host:port/database</c>, with the schema when one is set; never the password.</summary>
    public string Display => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}/{Database}") + (SearchPath is null ? string.Empty : $"?search_path={SearchPath}");

    /// <summary><c>postgresql://user@host:port/database</c>, with the schema when one is set; never the password.</summary>
    public string DisplayUrl => $"postgresql://{Uri.EscapeDataString(User)}@{Display}";

    public static bool IsPostgresUrl(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="StoreException">The URL is malformed or has an unknown option.</exception>
    public static PostgresUrl Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !IsPostgresUrl(text))
        {
            throw Invalid(text, "it is not a postgresql://user:password@host:port/database URL");
        }

        var host = uri.Host.Length == 0 ? "localhost" : uri.Host.Trim('[', ']');
        var port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port;
        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        user ??= Environment.UserName;
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            database = user;
        }

        string? searchPath = null, sslMode = null, applicationName = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            switch (key)
            {
                case "sslmode":
                    sslMode = value;
                    break;
                case "search_path" or "schema":
                    searchPath = value;
                    break;
                case "application_name":
                    applicationName = value;
                    break;
                default:
                    throw Invalid(text, $"unknown option '{key}' (known: {string.Join(", ", Options)})");
            }
        }

        return new PostgresUrl(host, port, user, password, database, searchPath, sslMode, applicationName);
    }

    public NpgsqlConnectionStringBuilder ToConnectionStringBuilder()
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Database = Database,
            ApplicationName = ApplicationName ?? "modelops",
        };
        if (Password is not null)
        {
            builder.Password = Password;
        }

        if (SearchPath is not null)
        {
            builder.SearchPath = SearchPath;
        }

        if (SslMode is not null)
        {
            if (!Enum.TryParse<SslMode>(SslMode.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode))
            {
                throw Invalid(Display, $"sslmode '{SslMode}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
            }

            builder.SslMode = mode;
        }

        return builder;
    }

    private static StoreException Invalid(string text, string why) =>
        new(StoreErrorKind.Invalid, $"database URL '{Redact(text)}' is invalid: {why}");

    /// <summary>
    /// <paramref name="text"/> with the password of any <c>scheme://user:password@host</c> URL masked, for
    /// messages (also of a URL whose scheme is mistyped): postgresql://user:secret@host -> postgresql://user:***@host.
    /// </summary>
    internal static string Redact(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return text;
        }

        var colon = text.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }
}
