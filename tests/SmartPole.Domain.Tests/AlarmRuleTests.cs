using SmartPole.Domain.Alarms;
using SmartPole.Domain.Alarms.Rules;
using SmartPole.Domain.Poles;
using SmartPole.Testing;

namespace SmartPole.Domain.Tests;

public sealed class AlarmRuleTests
{
    private static readonly TimeZoneInfo Shanghai = TwinBuilder.Shanghai;

    // 2026-06-21 14:00 in Shenzhen.
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 6, 21, 6, 0, 0, TimeSpan.Zero));

    private RuleContext Context(CityThresholds? thresholds = null, bool maintenance = false, double rated = 0, Func<DateTimeOffset, double?>? schedule = null) => new()
    {
        At = _time.GetUtcNow(),
        Thresholds = thresholds ?? CityThresholds.Default,
        TimeZone = Shanghai,
        InMaintenance = maintenance,
        Pole = new Subject(rated, schedule ?? (_ => null)),
    };

    private static DeviceSlot Device(DeviceKind kind, params (string Name, double Value)[] metrics)
    {
        var slot = new DeviceSlot("d-1", kind);
        foreach (var (name, value) in metrics)
        {
            slot.Set(name, value);
        }

        return slot;
    }

    [Theory]
    [InlineData(5.9, 120, true)]   // under 5 % of 120 W
    [InlineData(6.1, 120, false)]
    [InlineData(4.9, 0, true)]     // rated unknown: the city's default 100 W
    [InlineData(5.1, 0, false)]
    public void Lamp_failure_compares_power_with_five_percent_of_rated(double powerW, double rated, bool raised)
    {
        var lamp = Device(DeviceKind.Lighting, ("on", 1), ("powerW", powerW));

        var verdict = new LampFailureRule().Evaluate(lamp, Context(rated: rated));

        Assert.Equal(raised ? RuleOutcome.Alarm : RuleOutcome.Normal, verdict.Outcome);
    }

    [Fact]
    public void Lamp_failure_ignores_a_lamp_that_is_off_and_waits_for_both_metrics()
    {
        var off = Device(DeviceKind.Lighting, ("on", 0), ("powerW", 0));
        var half = Device(DeviceKind.Lighting, ("on", 1));

        Assert.Equal(RuleOutcome.Normal, new LampFailureRule().Evaluate(off, Context(rated: 120)).Outcome);
        Assert.Equal(RuleOutcome.NoData, new LampFailureRule().Evaluate(half, Context(rated: 120)).Outcome);
    }

    [Fact]
    public void Day_burner_needs_the_schedule_off_now_and_for_the_whole_grace_period()
    {
        var lamp = Device(DeviceKind.Lighting, ("on", 1));
        var switchedOffAt = _time.GetUtcNow().AddMinutes(-5);
        double? Schedule(DateTimeOffset at) => at < switchedOffAt ? 100 : 0;

        var justOff = new DayBurnerRule().Evaluate(lamp, Context(schedule: Schedule));
        _time.Advance(TimeSpan.FromMinutes(6));
        var longOff = new DayBurnerRule().Evaluate(lamp, Context(schedule: Schedule));
        var noSchedule = new DayBurnerRule().Evaluate(lamp, Context());

        Assert.Equal(RuleOutcome.Normal, justOff.Outcome);
        Assert.Equal(RuleOutcome.Alarm, longOff.Outcome);
        Assert.Equal(RuleOutcome.NoData, noSchedule.Outcome);
    }

    [Theory]
    [InlineData("tiltDeg", DeviceKind.Cabinet, 3.0, 3.1)]
    [InlineData("cabinetTempC", DeviceKind.Cabinet, 60.0, 60.5)]
    [InlineData("pm25", DeviceKind.Environment, 75.0, 76.0)]
    [InlineData("storagePct", DeviceKind.Camera, 90.0, 90.1)]
    public void Threshold_rules_raise_only_above_the_city_limit(string metric, DeviceKind kind, double atLimit, double above)
    {
        var rule = AlarmRules.For(kind).OfType<ThresholdRule>().Single(r => r.Evaluate(Device(kind, (metric, above)), Context()).Outcome == RuleOutcome.Alarm);

        var atLimitVerdict = rule.Evaluate(Device(kind, (metric, atLimit)), Context());
        var aboveVerdict = rule.Evaluate(Device(kind, (metric, above)), Context());

        Assert.Equal(RuleOutcome.Normal, atLimitVerdict.Outcome);
        Assert.Equal(RuleOutcome.Alarm, aboveVerdict.Outcome);
        Assert.Contains(metric, aboveVerdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Threshold_rules_follow_the_city_thresholds()
    {
        var cabinet = Device(DeviceKind.Cabinet, ("tiltDeg", 4));
        var tilt = AlarmRules.For(DeviceKind.Cabinet).Single(r => r.AlarmType == AlarmTypes.Tilt);

        var lenient = tilt.Evaluate(cabinet, Context(new CityThresholds { TiltDeg = 5 }));
        var strict = tilt.Evaluate(cabinet, Context());

        Assert.Equal(RuleOutcome.Normal, lenient.Outcome);
        Assert.Equal(RuleOutcome.Alarm, strict.Outcome);
    }

    [Fact]
    public void Door_open_is_an_alarm_only_outside_a_maintenance_window()
    {
        var cabinet = Device(DeviceKind.Cabinet, ("doorOpen", 1));

        Assert.Equal(RuleOutcome.Alarm, new DoorOpenRule().Evaluate(cabinet, Context()).Outcome);
        Assert.Equal(RuleOutcome.Normal, new DoorOpenRule().Evaluate(cabinet, Context(maintenance: true)).Outcome);
    }

    [Fact]
    public void Noise_limit_is_lower_at_night_local_time()
    {
        var environment = Device(DeviceKind.Environment, ("noiseDb", 60));

        var afternoon = new NoiseRule().Evaluate(environment, Context());
        _time.Advance(TimeSpan.FromHours(9)); // 23:00 in Shenzhen
        var night = new NoiseRule().Evaluate(environment, Context());

        Assert.Equal(RuleOutcome.Normal, afternoon.Outcome);
        Assert.Equal(RuleOutcome.Alarm, night.Outcome);
        Assert.Contains("> 55", night.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DeviceKind.SmallCell, "onAir", 0, AlarmTypes.SmallCellOffAir)]
    [InlineData(DeviceKind.Camera, "online", 0, AlarmTypes.CameraOffline)]
    [InlineData(DeviceKind.Cabinet, "waterLeak", 1, AlarmTypes.WaterLeak)]
    public void Flag_rules_raise_on_the_bad_value_and_clear_on_the_good_one(DeviceKind kind, string metric, double bad, string type)
    {
        var rule = AlarmRules.For(kind).Single(r => r.AlarmType == type);

        var raised = rule.Evaluate(Device(kind, (metric, bad)), Context());
        var normal = rule.Evaluate(Device(kind, (metric, 1 - bad)), Context());
        var missing = rule.Evaluate(Device(kind), Context());

        Assert.Equal(RuleOutcome.Alarm, raised.Outcome);
        Assert.Equal(RuleOutcome.Normal, normal.Outcome);
        Assert.Equal(RuleOutcome.NoData, missing.Outcome);
    }

    [Fact]
    public void Every_device_kind_with_a_rule_in_the_issue_has_one()
    {
        var types = Enum.GetValues<DeviceKind>().SelectMany(AlarmRules.For).Select(r => r.AlarmType).ToHashSet();

        Assert.Superset(
            new HashSet<string>
            {
                AlarmTypes.LampFailure, AlarmTypes.DayBurner, AlarmTypes.Tilt, AlarmTypes.DoorOpen, AlarmTypes.CabinetOverheat,
                AlarmTypes.AirQuality, AlarmTypes.Noise, AlarmTypes.SmallCellOffAir, AlarmTypes.CameraOffline, AlarmTypes.StorageFull,
            },
            types);
    }

    private sealed class Subject(double rated, Func<DateTimeOffset, double?> schedule) : IRuleSubject
    {
        public double RatedPowerW(string deviceId) => rated;

        public double? ScheduledDimAt(DateTimeOffset at) => schedule(at);
    }
}
