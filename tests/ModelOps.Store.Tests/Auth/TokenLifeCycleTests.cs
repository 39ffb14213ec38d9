using ModelOps.Store.Auth;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Auth;

public abstract class TokenLifeCycleTests(IStoreBackend backend) : StoreTests(backend)
{
    [Fact]
    public async Task Create_WithExpiry_IsStoredAndListedAndAcceptedUntilThen()
    {
        var expires = ManualClock.Start.AddDays(30);

        var made = await Store.Tokens.CreateTokenAsync("ci", TokenRole.Predictor, expires);

        var listed = Assert.Single(await Store.Tokens.ListTokensAsync());
        Assert.Equal((expires, (DateTimeOffset?)null, (DateTimeOffset?)null), (listed.ExpiresAt!.Value, listed.RevokedAt, listed.LastUsedAt));
        var found = await Store.Tokens.FindTokenAsync(made.Secret);
        Assert.Null(found!.RefusalAt(ManualClock.Start.AddDays(29)));
        Assert.Equal("token 'ci' expired at " + expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", found.RefusalAt(expires));
    }

    [Fact]
    public async Task Create_ExpiryNotInTheFuture_IsInvalidAndMakesNothing()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Tokens.CreateTokenAsync("ci", TokenRole.Viewer, ManualClock.Start));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"token expiry {ManualClock.Start.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC is not in the future", error.Message);
        Assert.Empty(await Store.Tokens.ListTokensAsync());
    }

    [Fact]
    public async Task Revoke_Token_IsRefusedFromThenOnAndRevokingAgainChangesNothing()
    {
        var made = await Store.Tokens.CreateTokenAsync("ci", TokenRole.Admin);
        Clock.Advance(TimeSpan.FromMinutes(3));

        var revoked = await Store.Tokens.RevokeTokenAsync(made.Token.Id);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var again = await Store.Tokens.RevokeTokenAsync(made.Token.Id);

        var at = ManualClock.Start.AddMinutes(3);
        Assert.Equal(at, revoked.RevokedAt);
        Assert.Equal(at, again.RevokedAt);
        var found = await Store.Tokens.FindTokenAsync(made.Secret);
        Assert.Equal($"token 'ci' was revoked at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", found!.RefusalAt(at));
    }

    [Fact]
    public async Task Revoke_UnknownToken_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Tokens.RevokeTokenAsync(42));

        Assert.Equal((StoreErrorKind.NotFound, "token 42 not found; list them with 'modelops tokens list'"), (error.Kind, error.Message));
    }

    [Fact]
    public async Task Touch_RecordsTheLastUse()
    {
        var made = await Store.Tokens.CreateTokenAsync("ci", TokenRole.Viewer);
        Clock.Advance(TimeSpan.FromHours(2));

        await Store.Tokens.TouchTokenAsync(made.Token.Id);

        Assert.Equal(ManualClock.Start.AddHours(2), (await Store.Tokens.FindTokenAsync(made.Secret))!.LastUsedAt);
    }
}

public sealed class SqliteTokenLifeCycleTests() : TokenLifeCycleTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class PostgresTokenLifeCycleTests(PostgresServer server) : TokenLifeCycleTests(new PostgresBackend(server));
