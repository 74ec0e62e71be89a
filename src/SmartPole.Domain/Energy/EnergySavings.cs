namespace SmartPole.Domain.Energy;

/// <summary>A lamp's energy on one day against burning at rated power from sunset to sunrise.</summary>
/// <param name="Device">Lamp id.</param>
/// <param name="Day">Local date.</param>
/// <param name="BaselineKWh">Rated power × the hours of darkness that day.</param>
/// <param name="ActualKWh">Metered energy that day.</param>
/// <param name="SavedKWh">Baseline minus actual.</param>
/// <param name="SavedPct">Saved share of the baseline in %, 0 when the baseline is 0.</param>
public sealed record EnergySavings(string Device, DateOnly Day, double BaselineKWh, double ActualKWh, double SavedKWh, double SavedPct);
