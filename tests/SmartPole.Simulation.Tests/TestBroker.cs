using System.Net;
using SmartPole.Mqtt;
using SmartPole.Testing;

namespace SmartPole.Simulation.Tests;

/// <summary>The broker a fleet test runs against: Debian's Mosquitto or our own <see cref="MqttBroker"/>, both on a loopback port.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    /// <summary>Names for <c>[InlineData]</c>.</summary>
    public const string Mosquitto = "mosquitto";

    /// <summary>Names for <c>[InlineData]</c>.</summary>
    public const string SmartPole = "smartpole";

    private readonly IAsyncDisposable _broker;

    private TestBroker(IAsyncDisposable broker, int port)
    {
        _broker = broker;
        Port = port;
    }

    public int Port { get; }

    public static async Task<TestBroker> StartAsync(string kind)
    {
        if (kind == Mosquitto)
        {
            var mosquitto = await MosquittoBroker.StartAsync();
            return new TestBroker(mosquitto, mosquitto.Port);
        }

        var ours = new MqttBroker(new MqttBrokerOptions { Host = IPAddress.Loopback.ToString(), Port = 0, AllowAnonymous = true });
        await ours.StartAsync();
        return new TestBroker(ours, ours.LocalEndPoint.Port);
    }

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
