using System.Diagnostics;
using System.Text;
using SmartPole.Testing;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>
/// A short burst of hostile traffic (random, truncated and oversized packets, slow-loris
/// connections) while a well-behaved neighbour keeps doing QoS 1 round trips. The long run that
/// issue 3 asks for (10^6 packets over 60 s with a memory bound) is a benchmark, not this test.
/// </summary>
public sealed class MqttBrokerHostileClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Hostile_connections_do_not_disturb_a_neighbour_or_crash_the_broker()
    {
        var logger = new CountingLogger<MqttBroker>(output);
        var options = new MqttBrokerOptions { Host = "127.0.0.1", Port = 0, ConnectTimeout = TimeSpan.FromSeconds(1), MaxPacketSize = 64 * 1024 };
        await using var broker = new MqttBroker(options, logger);
        await broker.StartAsync();
        var port = broker.LocalEndPoint.Port;
        await using var neighbour = new MqttClient(new MqttClientOptions { Port = port, ClientId = "neighbour" });
        await neighbour.ConnectAsync();
        var echoes = System.Threading.Channels.Channel.CreateUnbounded<int>();
        neighbour.MessageReceivedAsync = m =>
        {
            echoes.Writer.TryWrite(int.Parse(Encoding.UTF8.GetString(m.Payload.Span), System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.CompletedTask;
        };
        await neighbour.SubscribeAsync("echo", MqttQualityOfService.AtLeastOnce);
        await using var hostile = new HostileTraffic(port);
        var attack = hostile.RunAsync(attackers: 6, packets: 20_000, duration: TimeSpan.FromSeconds(10), overrun: TimeSpan.Zero, CancellationToken.None);

        var worst = TimeSpan.Zero;
        var i = 0;
        for (; !attack.IsCompleted; i++)
        {
            var watch = Stopwatch.StartNew();
            await neighbour.PublishAsync(new MqttApplicationMessage("echo", Encoding.UTF8.GetBytes($"{i}"), MqttQualityOfService.AtLeastOnce)).WaitAsync(Inbox.Timeout);
            Assert.Equal(i, await echoes.Reader.ReadAsync().AsTask().WaitAsync(Inbox.Timeout));
            worst = watch.Elapsed > worst ? watch.Elapsed : worst;

            // Pacing, not waiting for a condition: leave the cores to the attackers between round trips.
            await Task.Delay(10);
        }

        await attack;
        output.WriteLine($"hostile packets sent: {hostile.PacketsSent} on {hostile.ConnectionsOpened} connections; neighbour QoS 1 round trips: {i}, slowest {worst.TotalMilliseconds:F0} ms");

        Assert.True(hostile.PacketsSent >= 5000, $"only {hostile.PacketsSent} hostile packets were sent");
        Assert.True(i > 10, $"only {i} neighbour round trips");
        Assert.True(neighbour.IsConnected);
        Assert.Equal(0, logger.Errors);
    }
}
