using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests;

/// <summary>
/// How <see cref="StoreFactory"/> reads a database location: a mistyped URL or a path with options is a
/// configuration error, and nothing is created for it.
/// </summary>
public sealed class StoreFactoryTests : IDisposable
{
    private const string Accepted = "(accepted: a file path, sqlite:///absolute/path.db, sqlite:relative/path.db, postgresql://user@host:port/database)";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("postgress://u@h/db", "unknown scheme 'postgress'")]
    [InlineData("Postgress://u@h/db", "unknown scheme 'Postgress'")]
    [InlineData("mysql://root@localhost:3306/modelops", "unknown scheme 'mysql'")]
    [InlineData("sqlte:x.db", "unknown scheme 'sqlte'")]
    [InlineData("file:x.db", "unknown scheme 'file'")]
    public async Task Open_UnknownSchemeRelative_IsInvalidAndCreatesNothing(string location, string why)
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(location, Options()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"database URL '{location}' is invalid: {why} {Accepted}", error.Message);

        // Taken as a path, the location would have made its first segment in the working folder.
        var first = Path.GetFullPath(location.Split('/')[0]);
        Assert.False(File.Exists(first) || Directory.Exists(first), $"{first} was created");
    }

    [Fact]
    public async Task Open_UnknownSchemeAbsolute_IsInvalidAndCreatesNothing()
    {
        var location = $"sqlte://{_folder.Combine("x.db")}";

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(location, Options()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"database URL '{location}' is invalid: unknown scheme 'sqlte' {Accepted}", error.Message);
        Assert.False(Directory.Exists(Path.GetFullPath("sqlte:")), "sqlte: was created");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task Open_UnknownSchemeWithPassword_MasksThePassword()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync("postgress://ana:s3cret@db.example:5432/modelops", Options()));

        Assert.Equal($"database URL 'postgress://ana:***@db.example:5432/modelops' is invalid: unknown scheme 'postgress' {Accepted}", error.Message);
    }

    [Fact]
    public async Task Open_AbsolutePathWithOptions_AsksForSqliteSchemeAndCreatesNothing()
    {
        var path = _folder.Combine("x.db");
        var location = path + "?synchronous=normal";

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(location, Options()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal($"database URL '{location}' is invalid: options after '?' need the sqlite: scheme; write 'sqlite://{location}'", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Fact]
    public async Task Open_RelativePathWithOptions_AsksForSqliteSchemeAndCreatesNothing()
    {
        const string Location = "x.db?mode=ro";

        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync(Location, Options()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("database URL 'x.db?mode=ro' is invalid: options after '?' need the sqlite: scheme; write 'sqlite:x.db?mode=ro'", error.Message);
        Assert.False(File.Exists(Path.GetFullPath(Location)), "x.db?mode=ro was created");
    }

    [Fact]
    public async Task Open_PostgresSchemeWithoutSlashes_IsInvalidNotAFile()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => StoreFactory.OpenAsync("postgresql:modelops", Options()));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
        Assert.Equal("database URL 'postgresql:modelops' is invalid: it is not a postgresql://user:password@host:port/database URL", error.Message);
        Assert.False(File.Exists(Path.GetFullPath("postgresql:modelops")), "postgresql:modelops was created");
    }

    [Fact]
    public async Task Open_PlainPathWithColonInside_IsASqliteFile()
    {
        var path = _folder.Combine("runs:2026.db");

        await using var store = await StoreFactory.OpenAsync(path, Options());

        Assert.Equal(StoreBackend.Sqlite, store.Backend);
        Assert.Equal(path, store.Location);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Open_SqliteUrlWithOptions_OpensTheFileWithThem()
    {
        var path = _folder.Combine("x.db");

        await using var store = await StoreFactory.OpenAsync($"SQLITE://{path}?synchronous=normal", Options());

        Assert.Equal(path, store.Location);
        Assert.Equal("synchronous=normal&checkpoint=auto", store.Durability);
        Assert.True(File.Exists(path));
    }

    private StoreOptions Options() => new() { ArtifactRoot = _folder.Combine("artifacts") };
}
