using System.Globalization;
using SmartPole.Mqtt;

namespace SmartPole.Benchmarks;

/// <summary>
/// The <c>broker-host</c> sub-command: our broker alone in its own process, so its memory and CPU are
/// measured apart from the load generator's, as Mosquitto's are. It prints <c>listening PORT</c>, answers
/// <c>gc ID</c> on standard input with <c>heap ID BYTES</c> (managed heap after a full blocking collection), and
/// stops when standard input closes.
/// </summary>
internal static class BrokerHost
{
    public static async Task<int> RunAsync(int port)
    {
        await using var broker = new MqttBroker(new MqttBrokerOptions
        {
            Host = "127.0.0.1",
            Port = port,
            AllowAnonymous = true,
            MaxConnections = 100_000,
        });
        await broker.StartAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {broker.LocalEndPoint.Port}"));
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("gc ", StringComparison.Ordinal))
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"heap {line[3..]} {GC.GetTotalMemory(forceFullCollection: false)}"));
            }
        }

        await broker.StopAsync();
        return 0;
    }
}
