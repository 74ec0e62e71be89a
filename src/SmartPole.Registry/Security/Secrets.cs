using System.Security.Cryptography;

namespace SmartPole.Registry.Security;

/// <summary>New random secrets and key ids, URL- and MQTT-safe (base64url without padding, lowercase hex).</summary>
internal static class Secrets
{
    /// <summary>A secret of <paramref name="bytes"/> random bytes (24 = 192 bits unless said otherwise).</summary>
    public static string New(int bytes = 24)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Convert.ToBase64String(buffer).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A public key id: 16 lowercase hex digits.</summary>
    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
}
