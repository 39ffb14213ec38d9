using System.Security.Cryptography;
using System.Text;

namespace ModelOps.Store.Auth;

/// <summary>Makes token secrets and the hashes the store keeps of them.</summary>
public static class TokenSecrets
{
    private const string Prefix = "mo_";

    /// <summary>A new secret: <c>mo_</c> + 32 random bytes in base64url (no padding).</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The SHA-256 of <paramref name="secret"/>'s UTF-8 bytes, as 64 lower-case hex digits.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        return Convert.ToHexStringLower(hash);
    }
}
