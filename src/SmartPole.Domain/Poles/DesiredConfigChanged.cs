using SmartPole.Domain.Lighting;

namespace SmartPole.Domain.Poles;

/// <summary>
/// The pole should be told a new config: publish <see cref="DesiredConfig.ToUtf8"/> retained on
/// <c>sp/{city}/{pole}/config</c>. Raised when the config changes and once when the pole is first seen by this twin.
/// </summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="At">When.</param>
/// <param name="Config">The config to publish.</param>
public sealed record DesiredConfigChanged(string City, string Pole, DateTimeOffset At, DesiredConfig Config) : TwinEvent(City, Pole, At);
