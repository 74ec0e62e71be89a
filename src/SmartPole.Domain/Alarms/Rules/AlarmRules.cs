namespace SmartPole.Domain.Alarms.Rules;

/// <summary>The rule set the twin dispatches to, grouped by device kind.</summary>
internal static class AlarmRules
{
    private static readonly IAlarmRule[][] ByKind = Build(
    [
        new LampFailureRule(),
        new DayBurnerRule(),
        new ThresholdRule(DeviceKind.Cabinet, "tiltDeg", AlarmTypes.Tilt, t => t.TiltDeg),
        new DoorOpenRule(),
        new ThresholdRule(DeviceKind.Cabinet, "cabinetTempC", AlarmTypes.CabinetOverheat, t => t.CabinetTempC),
        new FlagRule(DeviceKind.Cabinet, "waterLeak", true, AlarmTypes.WaterLeak),
        new ThresholdRule(DeviceKind.Environment, "pm25", AlarmTypes.AirQuality, t => t.Pm25),
        new NoiseRule(),
        new FlagRule(DeviceKind.SmallCell, "onAir", false, AlarmTypes.SmallCellOffAir),
        new FlagRule(DeviceKind.Camera, "online", false, AlarmTypes.CameraOffline),
        new ThresholdRule(DeviceKind.Camera, "storagePct", AlarmTypes.StorageFull, t => t.StoragePct),
    ]);

    /// <summary>The rules that look at devices of <paramref name="kind"/>.</summary>
    public static IAlarmRule[] For(DeviceKind kind) => ByKind[(int)kind];

    private static IAlarmRule[][] Build(IAlarmRule[] rules)
    {
        var kinds = Enum.GetValues<DeviceKind>();
        var byKind = new IAlarmRule[kinds.Max(k => (int)k) + 1][];
        foreach (var kind in kinds)
        {
            byKind[(int)kind] = rules.Where(r => r.Kind == kind).ToArray();
        }

        return byKind;
    }
}
