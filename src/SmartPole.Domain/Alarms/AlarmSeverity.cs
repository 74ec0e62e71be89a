namespace SmartPole.Domain.Alarms;

/// <summary>How urgent an alarm is (ITU X.733 levels without "warning").</summary>
public enum AlarmSeverity
{
    /// <summary>Worth knowing, no action needed.</summary>
    Info,

    /// <summary>Degraded service; fix in the normal maintenance round.</summary>
    Minor,

    /// <summary>A device is out of service or a safety limit is crossed.</summary>
    Major,

    /// <summary>People may be at risk (SOS): act at once.</summary>
    Critical,
}
