using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmartPole.Registry.Security;

/// <summary>
/// Hashes secrets with PBKDF2-SHA256 (<c>pbkdf2-sha256${iterations}${salt}${hash}</c>, base64) and
/// checks them in constant time. A check that passed is remembered as the SHA-256 of the secret
/// beside the stored hash, so a pole that reconnects, or an API key on every request, costs one
/// SHA-256 rather than the full work factor; a rotated secret has a new stored hash and misses.
/// </summary>
internal sealed class SecretHasher(int iterations)
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MaxRemembered = 200_000;

    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);

    public string Hash(ReadOnlySpan<byte> secret)
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        var hash = Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public string Hash(string secret) => Hash(Encoding.UTF8.GetBytes(secret));

    public bool Verify(string secret, string stored) => Verify(Encoding.UTF8.GetBytes(secret), stored);

    public bool Verify(ReadOnlySpan<byte> secret, string stored)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(secret, digest);
        if (_verified.TryGetValue(stored, out var known))
        {
            return CryptographicOperations.FixedTimeEquals(digest, known);
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(secret, salt, count, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return false;
        }

        if (_verified.Count >= MaxRemembered)
        {
            _verified.Clear();
        }

        _verified[stored] = digest.ToArray();
        return true;
    }
}
