namespace SmartPole.Domain.Energy;

/// <summary>Energy one device used on one local calendar day.</summary>
/// <param name="Device">Device id.</param>
/// <param name="Day">Local date in the city's time zone.</param>
/// <param name="KWh">Energy in kWh.</param>
public sealed record DailyEnergy(string Device, DateOnly Day, double KWh);
