using System.Globalization;
using SmartPole.Simulation;
using SmartPole.Testing;

namespace SmartPole.Simulator.Tests;

/// <summary>The built simulator as a field engineer runs it: a separate process against a real broker.</summary>
public sealed class SimulatorProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exits_with_2_and_says_so_when_no_broker_listens()
    {
        var port = FreePort.Next();

        await using var simulator = Start("--broker", $"mqtt://127.0.0.1:{port}", "--poles", "3", "--duration", "5s");
        var exitCode = await simulator.WaitForExitAsync(Patience);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Could not connect to mqtt://127.0.0.1:{port}/: 3 of 3 connections failed", simulator.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qos_1_run_stopped_with_ctrl_c_writes_a_summary_that_matches_what_a_subscriber_saw()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        using var dir = new TempDirectory();
        var summaryFile = Path.Combine(dir.Path, "out", "summary.json");
        await using var simulator = Start(
            "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--poles", "10", "--interval", "250ms", "--qos", "1", "--summary", summaryFile);
        await witness.WaitForMessagesAsync(_ => true, 40, Patience);

        await InterruptAsync(simulator);
        var exitCode = await simulator.WaitForExitAsync(Patience);
        var summary = FleetSummary.FromJson(await File.ReadAllTextAsync(summaryFile))!;
        var seen = await witness.WaitForMessagesAsync(_ => true, (int)summary.FramesAcked, Patience);

        Assert.True(exitCode == 0, simulator.Output);
        Assert.Equal(10, summary.Connections);
        Assert.True(summary.FramesSent >= 40, $"only {summary.FramesSent} frames");
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
        Assert.Equal(summary.FramesAcked, seen.Count);
        Assert.Equal(0, summary.Errors);
        Assert.Contains(simulator.Lines, l => l.StartsWith("Done", StringComparison.Ordinal) && l.Contains(
            string.Create(CultureInfo.InvariantCulture, $"frames {summary.FramesSent:N0} sent, {summary.FramesAcked:N0} acked"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_payloads_asked_for_on_the_command_line_are_counted_apart_in_the_summary()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        using var dir = new TempDirectory();
        var summaryFile = Path.Combine(dir.Path, "summary.json");

        // 100 ms frames and a fault rate that makes about one slot in three malformed.
        await using var simulator = Start(
            "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--poles", "3", "--interval", "100ms", "--qos", "1",
            "--faults", "malformed", "--fault-rate", "15000", "--fault-duration", "1s", "--summary", summaryFile);
        await witness.WaitForMessagesAsync(m => !m.EndsWith('}'), 1, Patience);
        await witness.WaitForMessagesAsync(m => m.Contains("\"kind\":\"teleporter\"", StringComparison.Ordinal), 1, Patience);
        await witness.WaitForMessagesAsync(m => m.Contains("\"n/a\"", StringComparison.Ordinal), 1, Patience);
        await InterruptAsync(simulator);
        var exitCode = await simulator.WaitForExitAsync(Patience);
        var summary = FleetSummary.FromJson(await File.ReadAllTextAsync(summaryFile))!;

        Assert.True(exitCode == 0, simulator.Output);
        Assert.True(summary.BadJsonSent > 0 && summary.UnknownKindSent > 0 && summary.WrongTypeSent > 0, summary.ToJson());
        Assert.Equal(summary.Faults, summary.BadJsonSent + summary.UnknownKindSent + summary.WrongTypeSent);
        Assert.Equal(summary.FramesSent, summary.FramesAcked);
        Assert.Contains("\"badJsonSent\"", await File.ReadAllTextAsync(summaryFile), StringComparison.Ordinal);
        Assert.Contains(simulator.Lines, l => l.StartsWith("Done", StringComparison.Ordinal) && l.Contains(
            string.Create(CultureInfo.InvariantCulture, $"malformed {summary.Faults:N0}"), StringComparison.Ordinal));
    }

    /// <summary>Ctrl+C, as a field engineer stops a run: SIGINT to the simulator process.</summary>
    private static async Task InterruptAsync(ManagedProcess simulator)
    {
        await using var kill = ManagedProcess.Start("kill", ["-INT", simulator.Id.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(0, await kill.WaitForExitAsync(Patience));
    }

    private static ManagedProcess Start(params string[] arguments) =>
        ManagedProcess.Start("dotnet", [RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"), .. arguments]);
}
