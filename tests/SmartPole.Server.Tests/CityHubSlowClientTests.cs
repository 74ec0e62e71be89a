using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SmartPole.Actors;
using SmartPole.Domain.Telemetry;
using SmartPole.Server.LiveFeed;
using SmartPole.Server.Poles;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>
/// A dashboard that stops reading (its node process is stopped with SIGSTOP) while its city keeps
/// changing: the server on Kestrel in this process, flushes driven by a manual clock, the official
/// @microsoft/signalr client under node.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class CityHubSlowClientTests : IAsyncLifetime
{
    private const string City = "slowcity";
    private const int Poles = 200;
    private const int Rounds = 40;
    private static readonly TimeSpan Flush = TimeSpan.FromMilliseconds(50);

    private readonly TempDirectory _data = new("hub-slow");
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly int _port = FreePort.Next();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Demo:Enabled", "false");
            web.UseSetting("Mqtt:AllowAnonymous", "true");
            web.UseSetting("Mqtt:Port", "0");
            web.UseSetting("Storage:DataDirectory", _data.Path);
            web.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time)));
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        _factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_dashboard_that_stops_reading_gets_the_latest_state_of_every_pole_once_it_reads_again_and_costs_no_memory_per_push()
    {
        var services = _factory.Services;
        var actors = services.GetRequiredService<ActorHost<PoleActor>>();
        var feed = services.GetRequiredService<CityFeed>();
        var readModel = services.GetRequiredService<PoleReadModel>();
        await RoundAsync(actors, readModel, 1);
        await using var dashboard = ManagedProcess.Start(RealPeer.Node,
            ["signalr-fanout.mjs", $"http://127.0.0.1:{_port}/", City, "1", Poles.ToString(CultureInfo.InvariantCulture), Rounds.ToString(CultureInfo.InvariantCulture)],
            Path.GetDirectoryName(RealPeer.NodeModules)!);
        await dashboard.WaitForLineAsync(l => l.StartsWith("joined", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await SignalAsync("STOP", dashboard.Id);

        // A round of every pole is some hundreds of KB as a push: far more in all than the socket buffers of a client that reads nothing.
        long? early = null;
        var mostPending = 0;
        for (var seq = 2; seq <= Rounds; seq++)
        {
            await RoundAsync(actors, readModel, seq);
            mostPending = Math.Max(mostPending, feed.PendingCount);
            if (seq == 10)
            {
                early = GC.GetTotalMemory(forceFullCollection: true);
            }
        }

        var late = GC.GetTotalMemory(forceFullCollection: true);
        await SignalAsync("CONT", dashboard.Id);
        // The clock stands still: what the dashboard holds now is what reached it before and while it was stopped.
        await dashboard.WriteLineAsync("report");
        var stalled = await dashboard.WaitForLineAsync(l => l.StartsWith('{'), TimeSpan.FromSeconds(30));
        await WaitFor.ConditionAsync(() =>
        {
            _time.Advance(Flush);
            return Task.FromResult(dashboard.Lines.Contains("complete"));
        }, TimeSpan.FromSeconds(30), () => $"the dashboard did not get seq {Rounds} of every pole after it read again:\n{dashboard.Output}");

        Assert.Contains("\"complete\":0", stalled, StringComparison.Ordinal);
        Assert.InRange(mostPending, 0, Poles);
        // 30 rounds of pushes of every pole came after the early reading; kept per push they would be megabytes.
        Assert.True(late - early!.Value < 2 * 1024 * 1024, $"memory grew by {(late - early.Value) / 1024} KiB over 30 rounds");
    }

    // One new frame per pole, then one flush to gather the changed poles' snapshots and one to push them.
    private async Task RoundAsync(ActorHost<PoleActor> actors, PoleReadModel readModel, int seq)
    {
        var at = _time.GetUtcNow();
        await Task.WhenAll(Enumerable.Range(1, Poles).Select(async pole =>
        {
            var frame = TelemetryFrameDecoder.Decode(Encoding.UTF8.GetBytes(Frame(seq, pole, at))).Frame!;
            await actors.AskAsync(PoleKey.Of(City, $"p-{pole:000}"), async (actor, _) =>
            {
                await actor.ApplyAsync(frame);
                return true;
            });
        }));
        _time.Advance(Flush);
        await WaitFor.ConditionAsync(() => Task.FromResult(Enumerable.Range(1, Poles).All(p => readModel.Find(City, $"p-{p:000}")?.Seq == seq)), TimeSpan.FromSeconds(10),
            () => $"round {seq}: not every pole's snapshot reached the live feed");
        _time.Advance(Flush);
    }

    private static string Frame(int seq, int pole, DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $$$"""
        {"ts":"{{{at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}}}","seq":{{{seq}}},"devices":[
         {"id":"lamp-1","kind":"lighting","m":{"on":true,"dimPct":{{{seq}}},"powerW":{{{pole + seq / 10.0}}},"energyKWh":{{{1000 + seq}}},"voltageV":229.5,"currentA":0.41,"powerFactor":0.97,"lampHours":{{{5000 + seq}}}}},
         {"id":"cell-1","kind":"smallcell","m":{"onAir":true,"ues":{{{seq}}},"dlMbps":{{{pole * 1.5}}},"ulMbps":12.25,"prbPct":41.5,"powerW":310.5,"tempC":41.25}},
         {"id":"env-1","kind":"environment","m":{"pm25":{{{seq + 0.5}}},"pm10":40.5,"no2":21.25,"tempC":24.5,"humidityPct":61.5,"noiseDb":58.25,"windMs":2.5,"pressureHpa":1012.5}},
         {"id":"cab-1","kind":"cabinet","m":{"doorOpen":false,"tiltDeg":0.25,"cabinetTempC":31.5,"waterLeak":false,"supplyV":229.75}}]}
        """);

    private static async Task SignalAsync(string signal, int pid)
    {
        await using var kill = ManagedProcess.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(0, await kill.WaitForExitAsync(TimeSpan.FromSeconds(10)));
    }
}
