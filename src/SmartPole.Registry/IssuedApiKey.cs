namespace SmartPole.Registry;

/// <summary>A new API key. <see cref="Token"/> is shown this once; the registry keeps only its hash.</summary>
/// <param name="KeyId">The key's public id (for listing and revoking).</param>
/// <param name="Token">The whole key, <c>spk_{keyId}_{secret}</c>: sent as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.</param>
public sealed record IssuedApiKey(string KeyId, string Token);
