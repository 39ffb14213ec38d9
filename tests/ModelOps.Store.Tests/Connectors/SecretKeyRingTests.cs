using ModelOps.Store.Connectors;
using ModelOps.Store.Tests.Infrastructure;

namespace ModelOps.Store.Tests.Connectors;

/// <summary>Where the master keys come from; these tests set process-wide environment variables, so they run alone.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class SecretKeyRingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public SecretKeyRingTests()
    {
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyVariable, null);
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyFileVariable, null);
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyVariable, null);
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyFileVariable, null);
        _folder.Dispose();
    }

    [Fact]
    public void Load_WithoutAKey_CreatesTheKeyFileReadableOnlyByItsOwner_AndUsesItFromThenOn()
    {
        var first = SecretKeyRing.Load(_folder.Path);
        var second = SecretKeyRing.Load(_folder.Path);

        var file = Path.Combine(_folder.Path, "secret.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(file));
        Assert.Equal(first.Ids, second.Ids);
        Assert.Equal(file, first.Source);
        Assert.Matches("^k-[0-9a-f]{8}$", first.CurrentId);
        Assert.Equal([file], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Load_TheVariable_WinsOverTheKeyFile_AndHoldsSeveralKeysCurrentFirst()
    {
        SecretKeyRing.Load(_folder.Path);
        var (current, previous) = (SecretKeyRing.NewKey(), SecretKeyRing.NewKey());
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyVariable, $"{current}, {previous}");

        var ring = SecretKeyRing.Load(_folder.Path);

        Assert.Equal(SecretKeyRing.FromKeys([current, previous], "x").Ids, ring.Ids);
        Assert.Equal("MODELOPS_SECRET_KEY", ring.Source);
        Assert.DoesNotContain(current, ring.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TheKeyFileVariable_NamesTheFile()
    {
        var file = Path.Combine(_folder.Path, "keys", "hub.key");
        Environment.SetEnvironmentVariable(SecretKeyRing.KeyFileVariable, file);

        var ring = SecretKeyRing.Load(databaseFolder: null);

        Assert.Equal(file, ring.Source);
        Assert.True(File.Exists(file));
    }

    [Fact]
    public void FromKeys_NotAKey_SaysHowToMakeOne()
    {
        var error = Assert.Throws<StoreException>(() => SecretKeyRing.FromKeys([SecretKeyRing.NewKey(), "secret"], "MODELOPS_SECRET_KEY"));
        var none = Assert.Throws<StoreException>(() => SecretKeyRing.FromKeys(["", " "], "/etc/modelops/secret.key"));

        Assert.Equal("MODELOPS_SECRET_KEY: master key 2 is not a key: expected the base64 text of 32 random bytes (make one with 'openssl rand -base64 32')", error.Message);
        Assert.Equal("/etc/modelops/secret.key: holds no master key", none.Message);
    }

    [Fact]
    public void EncryptThenDecrypt_RoundTrips_AndAnotherContextCannotDecrypt()
    {
        var ring = SecretKeyRing.FromKeys([SecretKeyRing.NewKey()], "test");

        var (id, sealedText) = ring.Encrypt("sk-secret-value", "modelops connector a");

        Assert.Equal(ring.CurrentId, id);
        Assert.Equal("sk-secret-value", ring.Decrypt(id, sealedText, "modelops connector a", "key a"));
        Assert.NotEqual(sealedText, ring.Encrypt("sk-secret-value", "modelops connector a").Sealed);
        Assert.Equal($"key b cannot be decrypted with master key {id}: the stored text was altered", Assert.Throws<StoreException>(() => ring.Decrypt(id, sealedText, "modelops connector b", "key b")).Message);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "process environment";
}
