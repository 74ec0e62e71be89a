namespace SmartPole.Registry;

/// <summary>A new MQTT credential. <see cref="Password"/> is shown this once; the registry keeps only its hash.</summary>
/// <param name="Subject">The pole or gateway id it belongs to.</param>
/// <param name="Username">The MQTT user name.</param>
/// <param name="Password">The MQTT password.</param>
public sealed record IssuedCredential(string Subject, string Username, string Password);
