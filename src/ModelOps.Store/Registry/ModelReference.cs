using System.Globalization;

namespace ModelOps.Store.Registry;

/// <summary>
/// A reference to a model version as users write it: <c>credit@Champion</c> (an alias),
/// <c>credit/3</c> (a version), <c>credit</c> or <c>credit/latest</c> (the highest version).
/// </summary>
/// <param name="Model">The model name.</param>
/// <param name="Alias">The alias, or <see langword="null"/>.</param>
/// <param name="Version">The version number, or <see langword="null"/>.</param>
public sealed record ModelReference(string Model, string? Alias, int? Version)
{
    /// <summary>Whether the reference names the highest version (neither an alias nor a number).</summary>
    public bool IsLatest => Alias is null && Version is null;

    /// <summary>Parses <c>name@alias</c>, <c>name/N</c>, <c>name/latest</c> or <c>name</c>.</summary>
    /// <exception cref="StoreException">The text is no such reference (<see cref="StoreErrorKind.Invalid"/>).</exception>
    public static ModelReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var slash = text.LastIndexOf('/');
        if (at > 0 && at < text.Length - 1 && slash < 0)
        {
            return new ModelReference(text[..at], text[(at + 1)..], null);
        }

        if (slash > 0 && at < 0)
        {
            var tail = text[(slash + 1)..];
            if (tail == "latest")
            {
                return new ModelReference(text[..slash], null, null);
            }

            if (int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                return new ModelReference(text[..slash], null, number);
            }
        }

        if (at < 0 && slash < 0 && text.Length > 0)
        {
            return new ModelReference(text, null, null);
        }

        throw new StoreException(
            StoreErrorKind.Invalid,
            $"'{text}' is not a model reference; write name@alias, name/version, name/latest or name");
    }

    /// <summary>The reference as users write it.</summary>
    public override string ToString() =>
        Alias is not null ? $"{Model}@{Alias}" : Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{Model}/{v}") : Model;
}
