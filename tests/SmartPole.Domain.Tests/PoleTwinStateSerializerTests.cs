using System.Text;
using System.Text.Json;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Commands;
using SmartPole.Domain.Lighting;
using SmartPole.Domain.Poles;
using SmartPole.Testing;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinStateSerializerTests
{
    private static (PoleTwin Twin, ManualTimeProvider Time) BusyTwin()
    {
        var (twin, time) = Twin();
        twin.Report(time,
            Reading("lamp-1", DeviceKind.Lighting, ("on", true), ("dimPct", 80.0), ("powerW", 2.0), ("energyKWh", 1234.5)),
            Reading("cell-1", DeviceKind.SmallCell, ("onAir", false), ("ues", 7L)),
            Reading("cab-1", DeviceKind.Cabinet, ("tiltDeg", 4.2), ("doorOpen", false)),
            new Telemetry.DeviceReading("env-1", DeviceKind.Environment, [new("pm25", Telemetry.MetricValue.FromFloat(12)), new("uvIndex", Telemetry.MetricValue.FromFloat(3), Known: false)]));
        twin.ApplyEvent(new PoleEvent(T0, "sos-1", "sosPressed", "按下 \"SOS\""));
        twin.AcknowledgeAlarm(twin.ActiveAlarms[0].Id);
        time.Advance(TimeSpan.FromMinutes(1));
        twin.Report(time, Reading("lamp-1", DeviceKind.Lighting, ("energyKWh", 1234.6)), Reading("cab-1", DeviceKind.Cabinet, ("tiltDeg", 0.5)));
        twin.AcceptCommand(new CommandRequest("lamp-1", "dim", JsonDocument.Parse("""{"pct":40}""").RootElement), "c1");
        twin.MarkCommandSent("c1");
        twin.AcceptCommand(new CommandRequest("cell-1", "restart"), "c2");
        twin.ApplyCommandAck("c2", """{"ok":true}"""u8);
        twin.AddMaintenanceWindow(new MaintenanceWindow(T0.AddHours(1), T0.AddHours(2)));
        twin.SetLightingOverride(new LightingCalendar([LightingProgram.DuskToDawn with { Name = "own" }], [], "own"));
        twin.TakeEvents();
        return (twin, time);
    }

    [Fact]
    public void Serialize_then_deserialize_gives_back_the_same_state()
    {
        var (twin, _) = BusyTwin();
        var state = twin.ToState();

        var bytes = PoleTwinStateSerializer.Serialize(state);
        var back = PoleTwinStateSerializer.Deserialize(bytes);

        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(PoleTwinStateSerializer.Serialize(back)));
        Assert.Equal(state.OpenAlarms, back.OpenAlarms);
        Assert.Equal(state.MaintenanceWindows, back.MaintenanceWindows);
        Assert.Equal("own", back.LightingOverride!.DefaultProgram);
        Assert.Equal(40, back.Commands[0].Request.Args!.Value.GetProperty("pct").GetInt32());
    }

    [Fact]
    public void A_restored_twin_keeps_readings_alarms_incidents_commands_energy_and_schedule()
    {
        var (twin, time) = BusyTwin();
        var bytes = PoleTwinStateSerializer.Serialize(twin.ToState());

        var restored = PoleTwin.Restore(PoleTwinStateSerializer.Deserialize(bytes), twin.Settings, time);

        Assert.Equal(twin.Latest("cell-1", "ues"), restored.Latest("cell-1", "ues"));
        Assert.Equal(twin.Latest("lamp-1", "on"), restored.Latest("lamp-1", "on"));
        Assert.Equal(twin.Latest("env-1", "uvIndex"), restored.Latest("env-1", "uvIndex"));
        Assert.Equal(twin.ActiveAlarms, restored.ActiveAlarms);
        Assert.Equal(twin.AlarmHistory, restored.AlarmHistory);
        Assert.Equal(twin.OpenIncidents.Select(i => (i.Id, i.ProbableCause)), restored.OpenIncidents.Select(i => (i.Id, i.ProbableCause)));
        Assert.Equal(twin.Commands.Select(c => (c.Id, c.Status)), restored.Commands.Select(c => (c.Id, c.Status)));
        Assert.Equal(twin.Energy, restored.Energy);
        Assert.Equal("own", restored.Lighting!.DefaultProgram);
        Assert.Equal((twin.LastSeq, twin.Frames, twin.Status), (restored.LastSeq, restored.Frames, restored.Status));
    }

    [Fact]
    public void A_restored_twin_goes_on_where_it_stopped()
    {
        var (twin, time) = BusyTwin();
        var restored = PoleTwin.Restore(PoleTwinStateSerializer.Deserialize(PoleTwinStateSerializer.Serialize(twin.ToState())), twin.Settings, time);

        var duplicate = restored.Apply(Frame(twin.LastSeq, time.GetUtcNow(), Reading("cell-1", DeviceKind.SmallCell, ("onAir", true))));
        restored.Report(time, Reading("cell-1", DeviceKind.SmallCell, ("onAir", true)));
        var acked = restored.ApplyCommandAck("c1", """{"ok":true}"""u8);
        var nextAlarmId = (restored.ApplyEvent(new PoleEvent(time.GetUtcNow(), "cam-1", "cameraTamper", null)), restored.ActiveAlarms[^1].Id);

        Assert.Equal(SeqOutcome.Duplicate, duplicate);
        Assert.DoesNotContain(restored.ActiveAlarms, a => a.Type == AlarmTypes.SmallCellOffAir);
        Assert.Equal(CommandStatus.Acked, acked!.Status);
        Assert.DoesNotContain(nextAlarmId.Id, twin.ActiveAlarms.Concat(twin.AlarmHistory).Select(a => a.Id));
        Assert.Single(restored.Events<DesiredConfigChanged>()); // announced once again after the restart
    }

    [Fact]
    public void The_staleness_clock_restarts_at_restore_for_a_pole_that_was_online()
    {
        var (twin, time) = BusyTwin();
        var state = twin.ToState();
        time.Advance(TimeSpan.FromHours(3)); // the platform was down

        var restored = PoleTwin.Restore(state, twin.Settings, time);
        restored.OnTimer();

        Assert.Equal(PoleStatus.Online, restored.Status);
        Assert.Equal(time.GetUtcNow() + restored.OfflineAfter, restored.NextDeadline);
    }

    [Fact]
    public void Serialized_state_is_compact_json()
    {
        var (twin, _) = BusyTwin();

        var json = Encoding.UTF8.GetString(PoleTwinStateSerializer.Serialize(twin.ToState()));

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"Online\"", json, StringComparison.Ordinal);
    }
}
