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
    public async Task A_short_qos_1_run_against_Mosquitto_writes_a_summary_that_matches_what_a_subscriber_saw()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var witness = await MosquittoSubscriber.StartAsync(broker.Port, "sp/shenzhen/+/telemetry");
        using var dir = new TempDirectory();
        var summaryFile = Path.Combine(dir.Path, "out", "summary.json");

        await using var simulator = Start(
            "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--poles", "10", "--interval", "250ms", "--duration", "2s", "--qos", "1", "--summary", summaryFile);
        var exitCode = await simulator.WaitForExitAsync(Patience);
        var summary = FleetSummary.FromJson(await File.ReadAllTextAsync(summaryFile))!;
        var seen = await witness.WaitForMessagesAsync(_ => true, (int)summary.FramesAcked, Patience);

        Assert.True(exitCode == 0, simulator.Output);
        Assert.Equal(10, summary.Connections);
        Assert.True(summary.FramesSent >= 40, $"only {summary.FramesSent} frames in 2 s");
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
        using var dir = new TempDirectory();
        var summaryFile = Path.Combine(dir.Path, "summary.json");

        // 100 ms frames and a fault rate that makes about one slot in three malformed.
        await using var simulator = Start(
            "--broker", $"mqtt://127.0.0.1:{broker.Port}", "--poles", "3", "--interval", "100ms", "--duration", "2s", "--qos", "1",
            "--faults", "malformed", "--fault-rate", "15000", "--fault-duration", "1s", "--summary", summaryFile);
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

    private static ManagedProcess Start(params string[] arguments) =>
        ManagedProcess.Start("dotnet", [RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"), .. arguments]);
}
