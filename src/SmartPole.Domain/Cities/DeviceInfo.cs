namespace SmartPole.Domain.Cities;

/// <summary>A device mounted on a pole.</summary>
/// <param name="Id">Device id on its pole, e.g. <c>lamp-1</c>.</param>
/// <param name="Kind">Device kind.</param>
/// <param name="RatedPowerW">Rated power in watts, where it matters (lamps, small cells), else 0.</param>
public sealed record DeviceInfo(string Id, DeviceKind Kind, double RatedPowerW = 0);
