using System.Security.Cryptography;
using System.Text;

namespace ModelOps.Store.Connectors;

/// <summary>
/// The master keys that encrypt connectors' API keys (AES-256-GCM): the first is current (new keys are encrypted
/// under it), the others are kept so that keys encrypted before a rotation can still be read until they are
/// re-encrypted. A key is 32 random bytes, written as base64; its id (<c>k-</c> and 8 hex digits of its SHA-256) is
/// stored beside each encrypted key, so a process with the wrong master key says which one it needs.
/// </summary>
/// <remarks>
/// Where the keys come from (<see cref="Load"/>): the environment variable <c>MODELOPS_SECRET_KEY</c> (keys
/// separated by commas, current first), else the key file (one key a line, current first): <c>MODELOPS_SECRET_KEY_FILE</c>,
/// else <c>secret.key</c> next to a SQLite database, else <c>.modelops/secret.key</c>. A missing key file is created
/// with a new key on first use, readable only by its owner (mode 0600).
/// </remarks>
public sealed class SecretKeyRing
{
    /// <summary>The environment variable that holds the master keys: <c>MODELOPS_SECRET_KEY</c>.</summary>
    public const string KeyVariable = "MODELOPS_SECRET_KEY";

    /// <summary>The environment variable that names the key file: <c>MODELOPS_SECRET_KEY_FILE</c>.</summary>
    public const string KeyFileVariable = "MODELOPS_SECRET_KEY_FILE";

    /// <summary>The key file's name next to a SQLite database: <c>secret.key</c>.</summary>
    public const string KeyFileName = "secret.key";

    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly IReadOnlyList<byte[]> _keys;

    private SecretKeyRing(IReadOnlyList<byte[]> keys, string source, string? keyFile)
    {
        _keys = keys;
        Source = source;
        KeyFile = keyFile;
        Ids = [.. keys.Select(IdOf)];
    }

    /// <summary>Where the keys came from, for messages: <c>MODELOPS_SECRET_KEY</c> or the key file's path.</summary>
    public string Source { get; }

    /// <summary>The key file the keys were read from, or <see langword="null"/> when they came from elsewhere.</summary>
    public string? KeyFile { get; }

    /// <summary>The keys' ids, current first.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>The current key's id.</summary>
    public string CurrentId => Ids[0];

    /// <summary>A new random key as its base64 text.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The ring of <paramref name="keys"/> (base64 texts, current first).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="source">Where they came from, for messages.</param>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) No key, or a key that is not base64 of 32 bytes.</exception>
    public static SecretKeyRing FromKeys(IEnumerable<string> keys, string source) => FromKeys(keys, source, keyFile: null);

    /// <summary>The ring read from the key file at <paramref name="path"/> (one key a line, current first).</summary>
    /// <exception cref="StoreException">The file cannot be read, or holds a malformed key or none.</exception>
    public static SecretKeyRing FromKeyFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return FromKeys(File.ReadAllLines(path), path, path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreErrorKind.Unavailable, $"master key file {path} cannot be read: {error.Message}", error);
        }
    }

    private static SecretKeyRing FromKeys(IEnumerable<string> keys, string source, string? keyFile)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var parsed = new List<byte[]>();
        var position = 0;
        foreach (var text in keys)
        {
            position++;
            var trimmed = text.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var bytes = new byte[KeyBytes + 3];
            if (!Convert.TryFromBase64String(trimmed, bytes, out var written) || written != KeyBytes)
            {
                throw new StoreException(StoreErrorKind.Invalid, $"{source}: master key {position} is not a key: expected the base64 text of {KeyBytes} random bytes (make one with 'openssl rand -base64 32')");
            }

            parsed.Add(bytes[..KeyBytes]);
        }

        return parsed.Count > 0 ? new SecretKeyRing(parsed, source, keyFile) : throw new StoreException(StoreErrorKind.Invalid, $"{source}: holds no master key");
    }

    /// <summary>
    /// The keys from <c>MODELOPS_SECRET_KEY</c>, else from the key file (<see cref="KeyFilePath"/>), created with a new
    /// key (mode 0600) when it does not exist.
    /// </summary>
    /// <param name="databaseFolder">The folder of a SQLite database (its key file lives there), or <see langword="null"/>.</param>
    /// <exception cref="StoreException">A key is malformed, or the key file cannot be read or created.</exception>
    public static SecretKeyRing Load(string? databaseFolder)
    {
        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } keys)
        {
            return FromKeys(keys.Split(','), KeyVariable);
        }

        var path = KeyFilePath(databaseFolder);
        try
        {
            if (!File.Exists(path))
            {
                WriteKeyFile(path, [NewKey()], createOnly: true);
            }

            return FromKeyFile(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreErrorKind.Unavailable, $"master key file {path} cannot be read or created: {error.Message}", error);
        }
    }

    /// <summary>Whether a master key is configured without <see cref="Load"/> making one: <c>MODELOPS_SECRET_KEY</c>, <c>MODELOPS_SECRET_KEY_FILE</c>, or an existing <c>.modelops/secret.key</c>.</summary>
    public static bool IsConfigured() =>
        Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 }
        || Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 }
        || File.Exists(KeyFilePath(null));

    /// <summary>The key file: <c>MODELOPS_SECRET_KEY_FILE</c>, else <c>secret.key</c> in <paramref name="databaseFolder"/>, else <c>.modelops/secret.key</c>.</summary>
    public static string KeyFilePath(string? databaseFolder) =>
        Path.GetFullPath(Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } file ? file
            : databaseFolder is not null ? Path.Combine(databaseFolder, KeyFileName)
            : Path.Combine(".modelops", KeyFileName));

    /// <summary>
    /// Writes <paramref name="keys"/> (base64 texts, current first) to the key file at <paramref name="path"/>: to a
    /// temporary file readable only by its owner (0600), flushed, then renamed over it, so the file is never half written.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="createOnly">Whether to leave an existing file alone (another process created it first).</param>
    public static void WriteKeyFile(string path, IReadOnlyList<string> keys, bool createOnly = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(keys);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.tmp-{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(string.Join('\n', keys) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            if (createOnly)
            {
                // A move that may not overwrite fails when the file exists: two processes creating it at once keep the first key.
                try
                {
                    File.Move(temporary, path, overwrite: false);
                }
                catch (IOException) when (File.Exists(path))
                {
                }
            }
            else
            {
                File.Move(temporary, path, overwrite: true);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Encrypts <paramref name="secret"/> under the current key, bound to <paramref name="context"/> (e.g. the connector's name): a different context cannot decrypt it.</summary>
    /// <returns>The current key's id and base64 of nonce, ciphertext and tag.</returns>
    public (string KeyId, string Sealed) Encrypt(string secret, string context)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(context);
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[0], TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceBytes, plain.Length), output.AsSpan(NonceBytes + plain.Length), Encoding.UTF8.GetBytes(context));
        CryptographicOperations.ZeroMemory(plain);
        return (CurrentId, Convert.ToBase64String(output));
    }

    /// <summary>Decrypts what <see cref="Encrypt"/> sealed under key <paramref name="keyId"/> for <paramref name="context"/>.</summary>
    /// <param name="keyId">The id stored with it.</param>
    /// <param name="sealedText">The sealed text.</param>
    /// <param name="context">The context it was bound to.</param>
    /// <param name="what">What it is, for messages (<c>the API key of connector 'openai'</c>).</param>
    /// <exception cref="StoreException">(<see cref="StoreErrorKind.Invalid"/>) The ring lacks key <paramref name="keyId"/>, or the text was altered.</exception>
    public string Decrypt(string keyId, string sealedText, string context, string what)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        var index = Ids.ToList().IndexOf(keyId);
        if (index < 0)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"{what} was encrypted under master key {keyId}, but {Source} holds {string.Join(", ", Ids)}; give this process the master key the other hubs use ({KeyVariable} or the key file)");
        }

        var bytes = Convert.FromBase64String(sealedText);
        var length = bytes.Length - NonceBytes - TagBytes;
        var plain = new byte[Math.Max(0, length)];
        try
        {
            using var aes = new AesGcm(_keys[index], TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, length), bytes.AsSpan(NonceBytes + length), plain, Encoding.UTF8.GetBytes(context));
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            throw new StoreException(StoreErrorKind.Invalid, $"{what} cannot be decrypted with master key {keyId}: the stored text was altered", error);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The keys' base64 texts, current first (to write a key file).</summary>
    internal IReadOnlyList<string> Texts => [.. _keys.Select(k => Convert.ToBase64String(k))];

    /// <summary>Keeps the keys out of logs and messages.</summary>
    public override string ToString() => $"SecretKeyRing {{ Source = {Source}, Ids = {string.Join(", ", Ids)} }}";

    private static string IdOf(byte[] key) => "k-" + Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));
}
