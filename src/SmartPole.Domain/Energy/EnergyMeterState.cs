namespace SmartPole.Domain.Energy;

/// <summary>A cumulative meter's persisted state: its last reading and the days it has counted.</summary>
/// <param name="Device">Device id.</param>
/// <param name="LastCounter">The newest counter value (kWh).</param>
/// <param name="LastReadingAt">When it was read.</param>
/// <param name="Days">kWh per local day, oldest first.</param>
public sealed record EnergyMeterState(string Device, double LastCounter, DateTimeOffset LastReadingAt, IReadOnlyList<DailyEnergy> Days);
