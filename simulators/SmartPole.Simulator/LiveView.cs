using System.Globalization;
using SmartPole.Simulation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SmartPole.Simulator;

/// <summary>
/// The live console view for field engineers and exhibition booths (Spectre.Console, on a terminal
/// only): connections, frames per second now and on average, acks, commands, faults, errors and the
/// latest activity, redrawn in place twice a second.
/// </summary>
internal sealed class LiveView(string title, int connectionsPlanned, bool qos1, TimeProvider time)
{
    /// <summary>How often the view is redrawn.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private FleetSummary? _previous;
    private long _previousAt;
    private double _rateNow;

    /// <summary>Shows the view on <paramref name="console"/> until <paramref name="run"/> completes, then leaves its last picture.</summary>
    public async Task ShowAsync(IAnsiConsole console, FleetRunner runner, RecentActivity activity, Task run)
    {
        ArgumentNullException.ThrowIfNull(console);
        await console.Live(Render(runner.Snapshot(), activity.Lines))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(RefreshInterval, time)).ConfigureAwait(false);
                    context.UpdateTarget(Render(runner.Snapshot(), activity.Lines));
                }
            }).ConfigureAwait(false);
    }

    /// <summary>One picture of the run: <paramref name="now"/>'s counts, the frame rate since the previous picture, and <paramref name="recent"/> log lines.</summary>
    public IRenderable Render(FleetSummary now, IReadOnlyList<string> recent)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(recent);
        var at = time.GetTimestamp();
        if (_previous is not null)
        {
            var seconds = time.GetElapsedTime(_previousAt, at).TotalSeconds;
            if (seconds > 0)
            {
                _rateNow = (now.FramesSent - _previous.FramesSent) / seconds;
            }
        }
        else
        {
            _rateNow = now.FramesPerSecond;
        }

        (_previous, _previousAt) = (now, at);

        var connections = now.ConnectFailures > 0 ? "red" : now.Connections < connectionsPlanned ? "yellow" : "green";
        var acks = !qos1 ? "[grey]QoS 0: no acks[/]" : Text(now.FramesSent - now.FramesAcked == 0 ? "green" : "yellow", $"{now.FramesAcked:N0} acked, {now.FramesSent - now.FramesAcked:N0} awaiting");
        var table = new Table().Border(TableBorder.Rounded).Expand()
            .Title(Markup.Escape(title))
            .AddColumn(new TableColumn("[bold]what[/]").NoWrap())
            .AddColumn(new TableColumn("[bold]count[/]"));
        table.AddRow("connections", Text(connections, $"{now.Connections:N0} / {connectionsPlanned:N0}") + Plain($" · {now.ConnectFailures:N0} failed · {now.Reconnects:N0} reconnects"));
        table.AddRow("frames", Text("bold", $"{_rateNow:N1}/s now") + Plain($" · {now.FramesPerSecond:N1}/s average · {now.FramesSent:N0} sent"));
        table.AddRow("acks", acks);
        table.AddRow("readings", Plain($"{now.Lines:N0} lines · {now.DataPoints:N0} data points"));
        table.AddRow("commands", Plain($"{now.CommandsAcked:N0} answered · ") + Text(now.CommandsFailed > 0 ? "yellow" : "default", $"{now.CommandsFailed:N0} failed"));
        table.AddRow("faults", Plain($"{now.Faults:N0} started · {now.Events:N0} events · {now.BadJsonSent + now.UnknownKindSent + now.WrongTypeSent:N0} malformed"));
        table.AddRow("errors", Text(now.Errors > 0 ? "red" : "green", $"{now.Errors:N0}"));
        table.Caption(Plain($"{TimeSpan.FromSeconds(Math.Floor(now.ElapsedSeconds)):c} elapsed · Ctrl+C stops"));

        var latest = recent.Count == 0 ? new Markup("[grey]nothing yet[/]") : new Markup(string.Join('\n', recent.Select(Markup.Escape)));
        return new Rows(table, new Panel(latest).Header("latest").Border(BoxBorder.Rounded).Expand());
    }

    private static string Plain(FormattableString text) => Markup.Escape(text.ToString(CultureInfo.InvariantCulture));

    private static string Text(string style, FormattableString text) => $"[{style}]{Plain(text)}[/]";
}
