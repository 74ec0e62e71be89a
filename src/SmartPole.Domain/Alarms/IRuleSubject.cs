namespace SmartPole.Domain.Alarms;

/// <summary>What rules may ask of the pole they judge beyond one device's values.</summary>
internal interface IRuleSubject
{
    /// <summary>Rated power of a device by id from the registry; 0 when unknown.</summary>
    double RatedPowerW(string deviceId);

    /// <summary>The scheduled dim level at <paramref name="at"/> (0 = off), or null when the pole has no lighting program.</summary>
    double? ScheduledDimAt(DateTimeOffset at);
}
