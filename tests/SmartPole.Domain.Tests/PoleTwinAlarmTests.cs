using SmartPole.Domain.Alarms;
using SmartPole.Domain.Incidents;
using SmartPole.Domain.Poles;
using SmartPole.Domain.Telemetry;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinAlarmTests
{
    private static DeviceReading Cabinet(double tilt, bool door = false) =>
        Reading("cab-1", DeviceKind.Cabinet, ("tiltDeg", tilt), ("doorOpen", door));

    [Fact]
    public void A_condition_that_holds_in_many_frames_keeps_one_alarm_per_device_and_type()
    {
        var (twin, time) = Twin(Settings(lighting: false));

        for (var i = 0; i < 5; i++)
        {
            twin.Report(time, Cabinet(4.5));
            time.Advance(TimeSpan.FromSeconds(10));
        }

        var alarm = Assert.Single(twin.ActiveAlarms);
        Assert.Equal((AlarmTypes.Tilt, "cab-1", AlarmSeverity.Major, T0), (alarm.Type, alarm.Device, alarm.Severity, alarm.RaisedAt));
        Assert.Single(twin.Events<AlarmRaised>());
    }

    [Fact]
    public void An_alarm_goes_active_then_acknowledged_then_cleared_with_timestamps()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, Cabinet(4.5));
        var id = twin.ActiveAlarms[0].Id;

        time.Advance(TimeSpan.FromMinutes(2));
        var acknowledged = twin.AcknowledgeAlarm(id);
        var again = twin.AcknowledgeAlarm(id);
        time.Advance(TimeSpan.FromMinutes(3));
        twin.Report(time, Cabinet(1.0));

        Assert.True(acknowledged);
        Assert.False(again);
        Assert.Empty(twin.ActiveAlarms);
        var cleared = Assert.Single(twin.AlarmHistory);
        Assert.Equal(AlarmState.Cleared, cleared.State);
        Assert.Equal((T0, T0.AddMinutes(2), T0.AddMinutes(5)), (cleared.RaisedAt, cleared.AcknowledgedAt!.Value, cleared.ClearedAt!.Value));
        Assert.Equal(
            [typeof(AlarmRaised), typeof(AlarmAcknowledged), typeof(AlarmCleared)],
            twin.TakeEvents().Where(e => e is AlarmRaised or AlarmAcknowledged or AlarmCleared).Select(e => e.GetType()));
    }

    [Fact]
    public void After_an_alarm_clears_the_same_condition_opens_a_new_alarm()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, Cabinet(4.5));
        twin.Report(time, Cabinet(0.5));

        twin.Report(time, Cabinet(4.5));

        Assert.NotEqual(twin.AlarmHistory[0].Id, Assert.Single(twin.ActiveAlarms).Id);
    }

    [Fact]
    public void Sos_event_raises_a_critical_alarm_that_only_an_operator_clears()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        var sos = new PoleEvent(T0, "sos-1", "sosPressed", "button 1");

        var applied = twin.ApplyEvent(sos);
        twin.Report(time, Reading("sos-1", DeviceKind.Sos, ("armed", true)));
        var stillOpen = twin.ActiveAlarms.Single();
        var cleared = twin.ClearAlarm(stillOpen.Id);

        Assert.True(applied);
        Assert.Equal((AlarmTypes.Sos, AlarmSeverity.Critical), (stillOpen.Type, stillOpen.Severity));
        Assert.Contains("button 1", stillOpen.Detail, StringComparison.Ordinal);
        Assert.True(cleared);
        Assert.Empty(twin.ActiveAlarms);
    }

    [Fact]
    public void An_event_and_telemetry_of_the_same_fault_share_one_alarm_that_telemetry_clears()
    {
        var (twin, time) = Twin(Settings(lighting: false));

        twin.ApplyEvent(new PoleEvent(T0, "cab-1", "tilt", null));
        twin.Report(time, Cabinet(4.0));
        var open = twin.ActiveAlarms.Count;
        twin.Report(time, Cabinet(0.2));

        Assert.Equal(1, open);
        Assert.Empty(twin.ActiveAlarms);
    }

    [Fact]
    public void A_door_opened_inside_a_maintenance_window_is_no_alarm_until_the_window_ends()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.AddMaintenanceWindow(new MaintenanceWindow(T0, T0.AddMinutes(30)));

        twin.ApplyEvent(new PoleEvent(T0.AddMinutes(1), "cab-1", "doorOpened", null));
        twin.Report(time, Cabinet(0, door: true));
        var during = twin.ActiveAlarms.Count;
        var deadline = twin.NextDeadline;
        time.Advance(TimeSpan.FromMinutes(30));
        twin.Report(time, Cabinet(0, door: true)); // keeps the pole online
        twin.OnTimer();

        Assert.Equal(0, during);
        Assert.Equal(T0.AddSeconds(60), deadline); // staleness first; the window end follows
        Assert.Equal(AlarmTypes.DoorOpen, Assert.Single(twin.ActiveAlarms).Type);
        Assert.Empty(twin.MaintenanceWindows);
    }

    [Fact]
    public void Lamp_failure_uses_the_rated_power_from_the_registry()
    {
        var (twin, time) = Twin(Settings(lighting: false));

        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("powerW", 5.5))); // < 6 W = 5 % of 120 W

        Assert.Equal(AlarmTypes.LampFailure, Assert.Single(twin.ActiveAlarms).Type);
    }

    [Fact]
    public void Day_burner_follows_the_city_schedule_in_daylight()
    {
        var (twin, time) = Twin(); // 12:00 in Shenzhen: the dusk-to-dawn program says off

        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("powerW", 110.0)));
        time.Advance(TimeSpan.FromHours(8)); // 20:00: on by schedule
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("powerW", 110.0)));

        var alarm = Assert.Single(twin.AlarmHistory);
        Assert.Equal(AlarmTypes.DayBurner, alarm.Type);
        Assert.Equal(AlarmSeverity.Minor, alarm.Severity);
    }

    [Fact]
    public void Lamp_small_cell_and_camera_going_dark_together_are_one_incident_caused_by_supply_loss()
    {
        var (twin, time) = Twin(Settings(lighting: false));

        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("powerW", 0.0)));
        time.Advance(TimeSpan.FromSeconds(20));
        twin.Report(time, Reading("cell-1", DeviceKind.SmallCell, ("onAir", false)));
        time.Advance(TimeSpan.FromSeconds(30));
        twin.Report(time, Reading("cam-1", DeviceKind.Camera, ("online", false)));
        var events = twin.TakeEvents();

        var incident = Assert.Single(twin.OpenIncidents);
        Assert.Equal(ProbableCauses.SupplyLoss, incident.ProbableCause);
        Assert.Equal(3, incident.AlarmIds.Count);
        Assert.All(twin.ActiveAlarms, a => Assert.Equal(incident.Id, a.IncidentId));
        Assert.Single(events.OfType<IncidentOpened>());
        Assert.Equal(2, events.OfType<IncidentUpdated>().Count());
    }

    [Fact]
    public void An_alarm_after_the_window_opens_a_second_incident_and_incidents_close_when_their_alarms_clear()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.Report(time, Cabinet(4.0));
        time.Advance(TimeSpan.FromSeconds(61));
        twin.Report(time, Reading("env-1", DeviceKind.Environment, ("pm25", 120.0)));
        var open = twin.OpenIncidents.Count;

        twin.Report(time, Cabinet(0.0));

        Assert.Equal(2, open);
        var closed = Assert.Single(twin.ClosedIncidents);
        Assert.Equal(AlarmTypes.Tilt, closed.ProbableCause);
        Assert.Equal(T0.AddSeconds(61), closed.ClosedAt);
        Assert.Single(twin.Events<IncidentClosed>());
    }

    [Fact]
    public void Unknown_event_types_are_refused()
    {
        var (twin, _) = Twin(Settings(lighting: false));

        Assert.False(twin.ApplyEvent(new PoleEvent(T0, "cab-1", "earthquake", null)));
        Assert.Empty(twin.ActiveAlarms);
    }
}
