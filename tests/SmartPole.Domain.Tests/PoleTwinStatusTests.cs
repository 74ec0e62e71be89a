using System.Text;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Poles;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinStatusTests
{
    [Fact]
    public void First_frame_brings_the_pole_online_and_announces_its_config_once()
    {
        var (twin, time) = Twin();

        twin.Report(time, LampOn());
        time.Advance(TimeSpan.FromSeconds(10));
        twin.Report(time, LampOn());
        var events = twin.TakeEvents();

        Assert.Equal(PoleStatus.Online, twin.Status);
        Assert.Single(events.OfType<PoleCameOnline>());
        Assert.Single(events.OfType<DesiredConfigChanged>());
    }

    [Fact]
    public void Offline_after_is_three_intervals_but_never_under_the_city_minimum()
    {
        var fast = Twin(Settings() with { ReportingInterval = TimeSpan.FromSeconds(5) }).Twin;
        var slow = Twin(Settings() with { ReportingInterval = TimeSpan.FromSeconds(60) }).Twin;
        var strict = Twin(Settings() with { ReportingInterval = TimeSpan.FromSeconds(5), Thresholds = new CityThresholds { MinOfflineAfter = TimeSpan.FromSeconds(20) } }).Twin;

        Assert.Equal(TimeSpan.FromSeconds(60), fast.OfflineAfter);
        Assert.Equal(TimeSpan.FromSeconds(180), slow.OfflineAfter);
        Assert.Equal(TimeSpan.FromSeconds(20), strict.OfflineAfter);
    }

    [Fact]
    public void Silence_past_the_deadline_takes_the_pole_offline_with_an_alarm_when_the_timer_fires()
    {
        var (twin, time) = Twin();
        twin.Report(time, LampOn());
        twin.TakeEvents();
        var deadline = twin.NextDeadline;

        time.Advance(TimeSpan.FromSeconds(59));
        twin.OnTimer();
        var early = twin.Status;
        time.Advance(TimeSpan.FromSeconds(1));
        twin.OnTimer();
        var events = twin.TakeEvents();

        Assert.Equal(T0.AddSeconds(60), deadline);
        Assert.Equal(PoleStatus.Online, early);
        Assert.Equal(PoleStatus.Offline, twin.Status);
        Assert.Equal("silence", Assert.Single(events.OfType<PoleWentOffline>()).Reason);
        var alarm = Assert.Single(events.OfType<AlarmRaised>()).Alarm;
        Assert.Equal((AlarmTypes.PoleDevice, AlarmTypes.PoleOffline, AlarmSeverity.Major), (alarm.Device, alarm.Type, alarm.Severity));
    }

    [Fact]
    public void A_frame_pushes_the_staleness_deadline_out()
    {
        var (twin, time) = Twin();
        twin.Report(time, LampOn());

        time.Advance(TimeSpan.FromSeconds(50));
        twin.Report(time, LampOn());
        time.Advance(TimeSpan.FromSeconds(50));
        twin.OnTimer();

        Assert.Equal(PoleStatus.Online, twin.Status);
        Assert.Equal(T0.AddSeconds(110), twin.NextDeadline);
    }

    [Fact]
    public void The_retained_offline_will_takes_the_pole_offline_and_online_brings_it_back_clearing_the_alarm()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, LampOn());
        twin.TakeEvents();

        twin.ApplyStatus("offline"u8);
        var offline = twin.TakeEvents();
        time.Advance(TimeSpan.FromMinutes(5));
        twin.ApplyStatus(Encoding.UTF8.GetBytes("online\n"));
        var online = twin.TakeEvents();

        Assert.Equal("will", Assert.Single(offline.OfType<PoleWentOffline>()).Reason);
        Assert.Single(online.OfType<PoleCameOnline>());
        var cleared = Assert.Single(online.OfType<AlarmCleared>()).Alarm;
        Assert.Equal(AlarmState.Cleared, cleared.State);
        Assert.Equal(T0.AddMinutes(5), cleared.ClearedAt);
        Assert.Empty(twin.ActiveAlarms);
    }

    [Fact]
    public void An_unknown_status_payload_changes_nothing()
    {
        var (twin, _) = Twin();

        var accepted = twin.ApplyStatus("maybe"u8);

        Assert.False(accepted);
        Assert.Equal(PoleStatus.Unknown, twin.Status);
        Assert.Empty(twin.TakeEvents());
    }

    [Fact]
    public void An_offline_pole_arms_no_staleness_deadline()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, LampOn());

        twin.ApplyStatus("offline"u8);

        Assert.Null(twin.NextDeadline);
    }

    [Fact]
    public void Snapshot_carries_status_epoch_and_open_alarms()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, Reading("cab-1", DeviceKind.Cabinet, ("tiltDeg", 5.0)));

        var snapshot = twin.ToSnapshot();

        Assert.Equal(PoleStatus.Online, snapshot.Status);
        Assert.Equal(0, snapshot.Epoch);
        Assert.Equal(AlarmTypes.Tilt, Assert.Single(snapshot.Alarms!).Type);
        Assert.Equal(5.0, snapshot.Devices.Single().Metrics["tiltDeg"]);
    }

    private static Telemetry.DeviceReading LampOn() => Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("powerW", 100.0));
}
