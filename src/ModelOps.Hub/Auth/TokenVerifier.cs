using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using ModelOps.Store.Auth;

namespace ModelOps.Hub.Auth;

/// <summary>
/// Checks API token secrets, for the API's bearer tokens and the UI's sign-in alike (one rule for both).
/// Tokens read from the database are remembered for <see cref="HubOptions.TokenCacheDuration"/> by their hash
/// (so a revocation reaches every hub process within it); when one is read, its last use is recorded if the
/// record is more than <see cref="LastUseResolution"/> old.
/// </summary>
internal sealed partial class TokenVerifier(ITokenStore store, HubOptions options, ILogger<TokenVerifier> logger)
{
    /// <summary>A token's last use is written at most this often per hub process.</summary>
    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (ApiToken Token, long Expires)> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _touched = new();

    /// <summary>The token whose secret is <paramref name="secret"/>, or why it is refused.</summary>
    /// <returns>The token and <see langword="null"/>, or <see langword="null"/> and the refusal (<c>unknown token</c>, revoked, expired).</returns>
    public async Task<(ApiToken? Token, string? Refusal)> VerifyAsync(string secret, CancellationToken cancellationToken)
    {
        var token = await FindAsync(secret, cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return (null, "unknown token");
        }

        return token.RefusalAt(options.TimeProvider.GetUtcNow()) is { } refusal ? (null, refusal) : (token, null);
    }

    /// <summary>
    /// Whether this process should record a use of <paramref name="token"/> now: its stored last use is older
    /// than <see cref="LastUseResolution"/> and this process has not started a write for it within that time
    /// (while the database is locked, the stored value stays old, and a write a second would pile up).
    /// </summary>
    private bool TouchDue(ApiToken token, DateTimeOffset now)
    {
        if (token.LastUsedAt is { } used && now - used <= LastUseResolution)
        {
            return false;
        }

        var last = _touched.GetOrAdd(token.Id, DateTimeOffset.MinValue);
        return now - last > LastUseResolution && _touched.TryUpdate(token.Id, now, last);
    }

    /// <summary>Records a token's last use; a failure is logged, never seen by a request.</summary>
    private async Task TouchAsync(ApiToken token)
    {
        try
        {
            await store.TouchTokenAsync(token.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            LogTouchFailed(error, token.Id, token.Name);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Recording the last use of token {Id} '{Name}' failed")]
    private partial void LogTouchFailed(Exception error, long id, string name);

    private async Task<ApiToken?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = TokenSecrets.Hash(secret);
        var now = options.TimeProvider.GetTimestamp();
        if (_verified.TryGetValue(hash, out var cached) && cached.Expires > now)
        {
            return cached.Token;
        }

        var token = await store.FindTokenAsync(secret, cancellationToken).ConfigureAwait(false);
        var utcNow = options.TimeProvider.GetUtcNow();
        if (token is not null && token.RefusalAt(utcNow) is null && TouchDue(token, utcNow))
        {
            // Off the request path, on a pool thread: a write waits for the database's write lock (SQLite's
            // busy wait blocks the calling thread) and a request must not wait for its token's bookkeeping.
            var accepted = token;
            _ = Task.Run(() => TouchAsync(accepted), CancellationToken.None);
            token = token with { LastUsedAt = utcNow };
        }

        if (token is not null)
        {
            var ticks = (long)(options.TokenCacheDuration.TotalSeconds * options.TimeProvider.TimestampFrequency);
            _verified[hash] = (token, now + ticks);
        }

        return token;
    }
}
