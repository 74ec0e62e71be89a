using System.Globalization;
using SmartPole.Mqtt;
using SmartPole.Simulation;

namespace SmartPole.Benchmarks;

/// <summary>
/// The field simulator as the load generator, against Debian's Mosquitto in its own process: frames/s,
/// simulator CPU and memory per simulated pole at 100,000 poles × one frame per 10 s (district-gateway
/// mode, 1,000 poles per connection), and the most frames/s <c>--rate</c> mode pushes at QoS 0 and 1.
/// The fleet runs in this process (the <see cref="FleetRunner"/> the simulator console drives), so CPU and
/// memory are read from /proc for this process alone.
/// </summary>
internal sealed class SimulatorScenario : IScenario
{
    private const string Scenario = "simulator";
    private const int CityPoles = 100_000;
    private const int GatewayPoles = 1_000;
    private const int RatePoles = 100;
    private const int RatePolesPerConnection = 10;
    private static readonly TimeSpan CityInterval = TimeSpan.FromSeconds(10);

    // A busy machine may not greet 100,000 poles in time: it gets a note instead of a figure.
    private static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(90);

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"simulator: run {run}/{settings.Runs}");
            foreach (var qos in new[] { MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce })
            {
                await MeasureRateAsync(settings, qos, report, ct);
            }

            await MeasureCityAsync(settings, report, ct);
        }
    }

    private static async Task MeasureCityAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        await using var broker = await BrokerUnderTest.StartAsync(BrokerUnderTest.Mosquitto);
        var baseline = Memory();
        var options = Options(broker, CityInterval, MqttQualityOfService.AtLeastOnce, GatewayPoles);
        var runner = new FleetRunner(GeneratedCity.Create("bench", CityPoles, seed: 1), options);
        const string Case = "100,000 poles × 1 frame/10 s, gateway mode";
        var models = Memory();
        report.Record(Scenario, Case, "simulator", "managed heap per pole, models only (after full GC)", "KiB", (models.Heap - baseline.Heap) / 1024.0 / CityPoles,
            "100,000 generated poles (city, devices, device models) built, nothing connected yet");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = runner.RunAsync(stop.Token);
        try
        {
            // Every gateway connected and greeted, then one whole interval so the poles' stagger has settled.
            var connecting = TimeProvider.System.GetTimestamp();
            if (!await WaitForAsync(() => runner.Snapshot().Connections == runner.ConnectionCount || run.IsCompleted, ConnectLimit, ct))
            {
                report.Note(Scenario, $"{Case}: only {runner.Snapshot().Connections} of {runner.ConnectionCount} gateways had connected and greeted after {ConnectLimit.TotalSeconds:0} s; no figure");
                return;
            }

            report.Record(Scenario, Case, "simulator", "connect and greet all poles", "s", TimeProvider.System.GetElapsedTime(connecting).TotalSeconds,
                "100 gateways × 1,000 poles: CONNECT, 2,000 subscriptions and 1,000 retained 'online' each; 4 gateways greeting at once");
            await Task.Delay(CityInterval, ct);

            // At least one interval: every pole sends exactly one frame in it.
            var window = TimeSpan.FromSeconds(Math.Max(settings.Seconds, CityInterval.TotalSeconds));
            var sample = await SampleAsync(runner, broker, window, ct);
            var memory = Memory();
            var conditions = string.Create(CultureInfo.InvariantCulture,
                $"{CityPoles:N0} generated poles, {GatewayPoles:N0} per connection ({runner.ConnectionCount} connections), 1 frame/{CityInterval.TotalSeconds:0} s each, QoS 1, commands subscribed; {window.TotalSeconds:0.#} s window after connect + one interval; mosquitto, no persistence");
            report.Record(Scenario, Case, "simulator", "frames sent", "frames/s", sample.FramesPerSecond, conditions);
            report.Record(Scenario, Case, "simulator", "frames acked", "frames/s", sample.AckedPerSecond, conditions);
            report.Record(Scenario, Case, "simulator", "CPU", "cores", sample.SimulatorCores, conditions);
            report.Record(Scenario, Case, "mosquitto", "CPU", "cores", sample.BrokerCores, conditions);
            report.Record(Scenario, Case, "simulator", "RSS per pole", "KiB", (memory.Rss - baseline.Rss) / 1024.0 / CityPoles, conditions + "; RSS delta from before the fleet was built");
            report.Record(Scenario, Case, "simulator", "managed heap per pole (after full GC)", "KiB", (memory.Heap - baseline.Heap) / 1024.0 / CityPoles, conditions);
            NoteProblems(report, Case, runner.Snapshot());
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static async Task MeasureRateAsync(BenchmarkSettings settings, MqttQualityOfService qos, Report report, CancellationToken ct)
    {
        await using var broker = await BrokerUnderTest.StartAsync(BrokerUnderTest.Mosquitto);
        var options = Options(broker, TimeSpan.Zero, qos, RatePolesPerConnection);
        // --rate mode with a cap far above what one process reaches: the figure is what the fleet itself can push.
        options.Rate = 10_000_000;
        var runner = new FleetRunner(GeneratedCity.Create("bench", RatePoles, seed: 1), options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = runner.RunAsync(stop.Token);
        try
        {
            if (!await WaitForAsync(() => runner.Snapshot().Connections == runner.ConnectionCount || run.IsCompleted, TimeSpan.FromSeconds(30), ct))
            {
                report.Note(Scenario, $"--rate mode, QoS {(int)qos}: the fleet did not connect within 30 s; no figure");
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var window = TimeSpan.FromSeconds(Math.Max(2, settings.Seconds / 2));
            var sample = await SampleAsync(runner, broker, window, ct);
            var label = string.Create(CultureInfo.InvariantCulture, $"--rate mode, QoS {(int)qos}");
            var conditions = string.Create(CultureInfo.InvariantCulture,
                $"{RatePoles} poles, {RatePolesPerConnection} per connection, interval 0, rate cap 10,000,000/s; {window.TotalSeconds:0.#} s window after 1 s warm-up; mosquitto, no persistence, no subscriber");
            report.Record(Scenario, label, "simulator", "frames sent", "frames/s", sample.FramesPerSecond, conditions);
            if (qos == MqttQualityOfService.AtLeastOnce)
            {
                report.Record(Scenario, label, "simulator", "frames acked", "frames/s", sample.AckedPerSecond, conditions);
            }

            report.Record(Scenario, label, "simulator", "CPU", "cores", sample.SimulatorCores, conditions);
            report.Record(Scenario, label, "mosquitto", "CPU", "cores", sample.BrokerCores, conditions);
            NoteProblems(report, label, runner.Snapshot());
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static FleetOptions Options(BrokerUnderTest broker, TimeSpan interval, MqttQualityOfService qos, int polesPerConnection) => new()
    {
        Broker = new Uri($"mqtt://127.0.0.1:{broker.Port.ToString(CultureInfo.InvariantCulture)}"),
        Interval = interval,
        Qos = qos,
        PolesPerConnection = polesPerConnection,
        AckTimeout = TimeSpan.FromSeconds(30),
    };

    private static async Task<Sample> SampleAsync(FleetRunner runner, BrokerUnderTest broker, TimeSpan window, CancellationToken ct)
    {
        var self = Environment.ProcessId;
        var before = runner.Snapshot();
        var (cpuBefore, brokerBefore, at) = (ProcessStats.CpuSeconds(self), broker.CpuSeconds, TimeProvider.System.GetTimestamp());
        await Task.Delay(window, ct);
        var after = runner.Snapshot();
        var (cpuAfter, brokerAfter) = (ProcessStats.CpuSeconds(self), broker.CpuSeconds);
        var seconds = TimeProvider.System.GetElapsedTime(at).TotalSeconds;
        return new Sample(
            (after.FramesSent - before.FramesSent) / seconds,
            (after.FramesAcked - before.FramesAcked) / seconds,
            (cpuAfter - cpuBefore) / seconds,
            (brokerAfter - brokerBefore) / seconds);
    }

    private static (long Rss, long Heap) Memory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return (ProcessStats.ResidentBytes(Environment.ProcessId), GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms; false when <paramref name="limit"/> passed first.</summary>
    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan limit, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                return false;
            }

            await Task.Delay(100, ct);
        }

        return true;
    }

    private static void NoteProblems(Report report, string label, FleetSummary summary)
    {
        if (summary.Errors > 0 || summary.ConnectFailures > 0 || summary.Connections == 0)
        {
            report.Note(Scenario, $"{label}: {summary.Connections} connections, {summary.ConnectFailures} failed, {summary.Errors} errors");
        }
    }

    private sealed record Sample(double FramesPerSecond, double AckedPerSecond, double SimulatorCores, double BrokerCores);
}
