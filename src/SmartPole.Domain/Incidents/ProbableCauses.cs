using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Incidents;

/// <summary>The causes the correlator can name, and the reasoning from a set of alarm types to one of them.</summary>
public static class ProbableCauses
{
    /// <summary>SOS pressed: whatever else happened, people come first.</summary>
    public const string Emergency = "emergency";

    /// <summary>The pole lost its supply: several powered devices went dark together.</summary>
    public const string SupplyLoss = "supplyLoss";

    /// <summary>Something struck the pole.</summary>
    public const string VehicleImpact = "vehicleImpact";

    /// <summary>Someone is interfering with the pole (door and camera).</summary>
    public const string Vandalism = "vandalism";

    /// <summary>Water got into the cabinet and took equipment with it.</summary>
    public const string WaterIngress = "waterIngress";

    /// <summary>The pole fell silent with no device fault reported first.</summary>
    public const string CommunicationLoss = "communicationLoss";

    /// <summary>Unrelated faults that happened to coincide.</summary>
    public const string MultipleFaults = "multipleFaults";

    private static readonly string[] PoweredDevices = [AlarmTypes.LampFailure, AlarmTypes.SmallCellOffAir, AlarmTypes.CameraOffline];

    /// <summary>The most likely cause of alarms of <paramref name="types"/> raised together, and why.</summary>
    public static (string Cause, string Explanation) Infer(IReadOnlyCollection<string> types)
    {
        var set = types.ToHashSet(StringComparer.Ordinal);
        var dark = PoweredDevices.Count(set.Contains);
        if (set.Contains(AlarmTypes.Sos))
        {
            return (Emergency, "SOS pressed");
        }

        if (set.Contains(AlarmTypes.Impact) && (set.Contains(AlarmTypes.Tilt) || set.Count > 1))
        {
            return (VehicleImpact, "impact with " + string.Join(", ", set.Where(t => t != AlarmTypes.Impact).Order(StringComparer.Ordinal)));
        }

        if (set.Contains(AlarmTypes.WaterLeak) && (dark > 0 || set.Contains(AlarmTypes.CabinetOverheat)))
        {
            return (WaterIngress, "water in the cabinet while equipment failed");
        }

        if (dark >= 2 || (dark >= 1 && set.Contains(AlarmTypes.PoleOffline)))
        {
            return (SupplyLoss, $"{dark} powered device(s) went dark together" + (set.Contains(AlarmTypes.PoleOffline) ? " and the pole fell silent" : ""));
        }

        if (set.Contains(AlarmTypes.CameraTamper) && (set.Contains(AlarmTypes.DoorOpen) || set.Contains(AlarmTypes.CameraOffline)))
        {
            return (Vandalism, "camera tampered with while the door opened or the camera went dark");
        }

        if (set.Count == 1)
        {
            var only = set.First();
            return only == AlarmTypes.PoleOffline ? (CommunicationLoss, "the pole fell silent") : (only, "single alarm");
        }

        return (MultipleFaults, "unrelated alarms: " + string.Join(", ", set.Order(StringComparer.Ordinal)));
    }
}
