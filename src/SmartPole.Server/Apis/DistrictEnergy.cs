namespace SmartPole.Server.Apis;

/// <summary>One district on one day.</summary>
/// <param name="District">District name from the registry ("" for poles without one).</param>
/// <param name="Energy">Its lamps' energy and savings.</param>
internal sealed record DistrictEnergy(string District, EnergyTotals Energy);
