using SmartPole.Domain.Alarms;

namespace SmartPole.Server.Poles;

/// <summary>
/// One city's pole settings (configuration <c>Cities:{cityId}</c>, e.g.
/// <c>--Cities:harbin:Thresholds:CabinetTempC=55</c>). A city of the tenants' registry uses the registry's
/// settings instead; a city in neither gets the defaults.
/// </summary>
public sealed class CityPoleOptions
{
    /// <summary>Configuration section whose children are keyed by city id.</summary>
    public const string Section = "Cities";

    /// <summary>The city's alarm limits and timings; each member defaults as in <see cref="CityThresholds"/>.</summary>
    public CityThresholds Thresholds { get; set; } = new();

    /// <summary>The reporting interval poles are told to use (and staleness is measured from). Default 10 s.</summary>
    public TimeSpan ReportingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The city's lighting calendar: <c>none</c> (no schedule, no day-burner rule, no config pushed) or
    /// <c>duskToDawn</c> (on 10 min after sunset, 50 % from midnight, off 10 min before sunrise). Default <c>none</c>.
    /// </summary>
    public string Lighting { get; set; } = "none";
}
