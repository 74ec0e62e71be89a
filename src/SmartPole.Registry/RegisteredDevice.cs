using SmartPole.Domain;

namespace SmartPole.Registry;

/// <summary>A device on a registered pole.</summary>
/// <param name="Id">Device id on its pole, e.g. <c>lamp-1</c>.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="Model">Manufacturer model, or null when not given.</param>
/// <param name="RatedPowerW">Rated power in watts; 0 where it does not matter.</param>
public sealed record RegisteredDevice(string Id, DeviceKind Kind, string? Model, double RatedPowerW);
