namespace SmartPole.Server.Apis;

/// <summary>One local day of the energy report.</summary>
/// <param name="Day">Local date.</param>
/// <param name="City">The whole city that day.</param>
/// <param name="Districts">Each district that day, by name.</param>
internal sealed record EnergyDay(DateOnly Day, EnergyTotals City, IReadOnlyList<DistrictEnergy> Districts);
