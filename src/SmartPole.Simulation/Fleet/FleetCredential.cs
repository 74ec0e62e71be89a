namespace SmartPole.Simulation;

/// <summary>The MQTT credential one pole (or one gateway connection) logs in with.</summary>
/// <param name="Username">MQTT user name.</param>
/// <param name="Password">MQTT password.</param>
public sealed record FleetCredential(string Username, string Password);
