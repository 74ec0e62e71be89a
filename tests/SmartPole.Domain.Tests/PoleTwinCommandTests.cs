using System.Text;
using System.Text.Json;
using SmartPole.Domain.Commands;
using SmartPole.Domain.Poles;
using static SmartPole.Domain.Tests.TwinBuilder;

namespace SmartPole.Domain.Tests;

public sealed class PoleTwinCommandTests
{
    private static readonly CommandRequest Dim = new("lamp-1", "dim", JsonDocument.Parse("""{"pct":40}""").RootElement);

    [Fact]
    public void A_command_goes_accepted_sent_acked_and_each_step_is_an_event()
    {
        var (twin, time) = Twin(Settings(lighting: false));

        twin.AcceptCommand(Dim, "c1");
        time.Advance(TimeSpan.FromMilliseconds(5));
        twin.MarkCommandSent("c1");
        time.Advance(TimeSpan.FromSeconds(2));
        var acked = twin.ApplyCommandAck("c1", """{"ok":true,"detail":"dimmed to 40 %"}"""u8);

        Assert.Equal(CommandStatus.Acked, acked!.Status);
        Assert.Equal((T0, T0.AddMilliseconds(5), T0.AddMilliseconds(2005)), (acked.AcceptedAt, acked.SentAt!.Value, acked.CompletedAt!.Value));
        Assert.Equal("dimmed to 40 %", acked.Detail);
        Assert.Equal(
            [CommandStatus.Accepted, CommandStatus.Sent, CommandStatus.Acked],
            twin.Events<CommandProgressed>().Select(e => e.Command.Status));
    }

    [Fact]
    public void A_refusal_fails_the_command_with_the_poles_detail()
    {
        var (twin, _) = Twin(Settings(lighting: false));
        twin.AcceptCommand(Dim, "c1");
        twin.MarkCommandSent("c1");

        var failed = twin.ApplyCommandAck("c1", """{"ok":false,"detail":"no such device"}"""u8);

        Assert.Equal((CommandStatus.Failed, "no such device"), (failed!.Status, failed.Detail));
    }

    [Fact]
    public void An_unreadable_ack_fails_the_command_and_says_why()
    {
        var (twin, _) = Twin(Settings(lighting: false));
        twin.AcceptCommand(Dim, "c1");

        var failed = twin.ApplyCommandAck("c1", Encoding.UTF8.GetBytes("yes"));

        Assert.Equal(CommandStatus.Failed, failed!.Status);
        Assert.StartsWith("unreadable ack", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_ack_a_command_times_out_after_thirty_seconds_and_a_late_ack_changes_nothing()
    {
        var (twin, time) = Twin(Settings(lighting: false));
        twin.AcceptCommand(Dim, "c1");
        twin.MarkCommandSent("c1");
        twin.TakeEvents();
        var deadline = twin.NextDeadline;

        time.Advance(TimeSpan.FromSeconds(29));
        twin.OnTimer();
        var before = twin.Commands[0].Status;
        time.Advance(TimeSpan.FromSeconds(1));
        twin.OnTimer();
        var late = twin.ApplyCommandAck("c1", """{"ok":true}"""u8);

        Assert.Equal(T0.AddSeconds(30), deadline);
        Assert.Equal(CommandStatus.Sent, before);
        Assert.Equal(CommandStatus.TimedOut, twin.Commands[0].Status);
        Assert.Null(late);
        Assert.Equal(CommandStatus.TimedOut, Assert.Single(twin.Events<CommandProgressed>()).Command.Status);
    }

    [Fact]
    public void Acks_are_correlated_by_command_id()
    {
        var (twin, _) = Twin(Settings(lighting: false));
        twin.AcceptCommand(Dim, "c1");
        twin.AcceptCommand(Dim with { Device = "lamp-2" }, "c2");

        twin.ApplyCommandAck("c2", """{"ok":true}"""u8);
        var unknown = twin.ApplyCommandAck("c9", """{"ok":true}"""u8);

        Assert.Equal([CommandStatus.Accepted, CommandStatus.Acked], twin.Commands.Select(c => c.Status));
        Assert.Null(unknown);
    }

    [Fact]
    public void Command_ids_must_be_single_topic_levels_and_unique()
    {
        var (twin, _) = Twin(Settings(lighting: false));
        twin.AcceptCommand(Dim, "c1");

        Assert.Throws<ArgumentException>(() => twin.AcceptCommand(Dim, "a/b"));
        Assert.Throws<ArgumentException>(() => twin.AcceptCommand(Dim, "c1"));
        Assert.Matches("^[0-9a-f]{32}$", twin.AcceptCommand(Dim).Id);
    }

    [Fact]
    public void The_command_timeout_is_configurable_per_city()
    {
        var settings = Settings(lighting: false) with { Thresholds = new Alarms.CityThresholds { CommandTimeout = TimeSpan.FromSeconds(5) } };
        var (twin, _) = Twin(settings);

        var record = twin.AcceptCommand(Dim, "c1");

        Assert.Equal(T0.AddSeconds(5), record.Deadline);
    }

    [Fact]
    public void History_keeps_open_commands_and_the_newest_finished_ones()
    {
        var (twin, _) = Twin(Settings(lighting: false) with { HistoryLength = 3 });
        twin.AcceptCommand(Dim, "open");
        for (var i = 0; i < 5; i++)
        {
            twin.AcceptCommand(Dim, $"done{i}");
            twin.ApplyCommandAck($"done{i}", """{"ok":true}"""u8);
        }

        Assert.Equal(["open", "done3", "done4"], twin.Commands.Select(c => c.Id));
    }
}
