using Microsoft.Extensions.Logging;
using SmartPole.Simulation;
using SmartPole.Simulator;
using SmartPole.Testing;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SmartPole.Simulator.Tests;

public sealed class LiveViewTests
{
    [Fact]
    public void The_view_shows_connections_acks_commands_faults_and_the_latest_activity()
    {
        var view = new LiveView("300 poles of Shenzhen", 300, qos1: true, new ManualTimeProvider());
        var summary = new FleetSummary(1_200, 1_150, 2, 7_000, 45_000, 298, 2, 12, 40, CommandsFailed: 3, Faults: 4, Events: 3, BadJsonSent: 1, Reconnects: 5);

        var text = Draw(view.Render(summary, ["12:00:01 info Fault DoorOpened on ft-shennan-003", "12:00:02 info Command c-1 for ft-hongli-001: ok=True"]));

        Assert.Contains("300 poles of Shenzhen", text, StringComparison.Ordinal);
        Assert.Contains("298 / 300", text, StringComparison.Ordinal);
        Assert.Contains("2 failed · 5 reconnects", text, StringComparison.Ordinal);
        Assert.Contains("1,150 acked, 50 awaiting", text, StringComparison.Ordinal);
        Assert.Contains("7,000 lines · 45,000 data points", text, StringComparison.Ordinal);
        Assert.Contains("12 answered · 3 failed", text, StringComparison.Ordinal);
        Assert.Contains("4 started · 3 events · 1 malformed", text, StringComparison.Ordinal);
        Assert.Contains("Fault DoorOpened on ft-shennan-003", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_per_second_now_come_from_the_frames_sent_since_the_previous_picture()
    {
        var time = new ManualTimeProvider();
        var view = new LiveView("run", 10, qos1: false, time);
        view.Render(new FleetSummary(1_000, 0, 0, 0, 0, 10, 0, 0, 100), []);
        time.Advance(TimeSpan.FromSeconds(2));

        var text = Draw(view.Render(new FleetSummary(1_500, 0, 0, 0, 0, 10, 0, 0, 102), []));

        Assert.Contains("250.0/s now", text, StringComparison.Ordinal);
        Assert.Contains("14.7/s average", text, StringComparison.Ordinal);
        Assert.Contains("QoS 0: no acks", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Recent_activity_keeps_only_the_latest_lines_with_their_time()
    {
        using var activity = new RecentActivity(3, new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 5, TimeSpan.Zero)));
        var logger = activity.CreateLogger("SmartPole.Simulation.FleetRunner");

        foreach (var line in new[] { "line 1", "line 2", "line 3", "line 4", "line 5" })
        {
            logger.Log(LogLevel.Information, default, line, null, (state, _) => state);
        }

        Assert.Equal(["line 3", "line 4", "line 5"], activity.Lines.Select(l => l[(l.IndexOf("info ", StringComparison.Ordinal) + 5)..]));
        Assert.All(activity.Lines, l => Assert.Matches("^[0-9]{2}:00:05 info ", l));
    }

    private static string Draw(IRenderable renderable)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        console.Write(renderable);
        return writer.ToString();
    }
}
