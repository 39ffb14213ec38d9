using ModelOps.Core.Text;

namespace ModelOps.Store.Sql;

/// <summary>
/// Builds the one-line "not found" errors: what was asked for, what exists nearby, and the
/// closest name: <c>model 'credti' not found; models are: bike, credit (did you mean credit?)</c>.
/// </summary>
internal static class NotFound
{
    /// <summary>At most this many existing names are listed; the closest ones when there are more.</summary>
    public const int MaxListed = 10;

    /// <param name="subject">What was asked for, quoted: <c>model 'credti'</c>.</param>
    /// <param name="name">The name asked for, for the suggestion; <see langword="null"/> for none.</param>
    /// <param name="existing">What exists, in display order.</param>
    /// <param name="listIntro">Introduces the list: <c>models are</c>.</param>
    /// <param name="none">Said when nothing exists: <c>there are no models</c>.</param>
    public static StoreException Error(string subject, string? name, IReadOnlyList<string> existing, string listIntro, string none)
    {
        if (existing.Count == 0)
        {
            return new StoreException(StoreErrorKind.NotFound, $"{subject} not found; {none}");
        }

        string list;
        if (existing.Count <= MaxListed)
        {
            list = string.Join(", ", existing);
        }
        else
        {
            var nearest = name is null ? existing.Take(MaxListed).ToArray() : NameSuggestions.Nearest(name, existing, MaxListed);
            list = $"{string.Join(", ", nearest)} and {existing.Count - nearest.Count} more";
        }

        var hint = name is not null && NameSuggestions.Closest(name, existing) is { } closest ? $" (did you mean {closest}?)" : string.Empty;
        return new StoreException(StoreErrorKind.NotFound, $"{subject} not found; {listIntro}: {list}{hint}");
    }
}
