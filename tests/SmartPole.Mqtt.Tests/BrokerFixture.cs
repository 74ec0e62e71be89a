using System.Text;
using System.Threading.Channels;
using Xunit.Abstractions;

namespace SmartPole.Mqtt.Tests;

/// <summary>Starts our broker on a free port and makes clients for it.</summary>
internal sealed class BrokerFixture : IAsyncDisposable
{
    private readonly List<MqttClient> _clients = [];

    private BrokerFixture(MqttBroker broker) => Broker = broker;

    public MqttBroker Broker { get; }

    public int Port => Broker.LocalEndPoint.Port;

    public static async Task<BrokerFixture> StartAsync(Action<MqttBrokerOptions>? configure = null, TimeProvider? timeProvider = null, ITestOutputHelper? output = null)
    {
        var options = new MqttBrokerOptions { Host = "127.0.0.1", Port = 0 };
        configure?.Invoke(options);
        var broker = new MqttBroker(options, output is null ? null : new TestOutputLogger<MqttBroker>(output), timeProvider);
        await broker.StartAsync();
        return new BrokerFixture(broker);
    }

    public async Task<MqttClient> ConnectAsync(string clientId, Action<MqttClientOptions>? configure = null)
    {
        var options = new MqttClientOptions { Port = Port, ClientId = clientId };
        configure?.Invoke(options);
        var client = new MqttClient(options);
        lock (_clients)
        {
            _clients.Add(client);
        }

        await client.ConnectAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_clients.Select(c => c.DisposeAsync().AsTask()));

        await Broker.DisposeAsync();
    }
}

/// <summary>Collects the messages a client receives, so a test can await them.</summary>
internal sealed class Inbox
{
    private readonly Channel<MqttApplicationMessage> _messages = Channel.CreateUnbounded<MqttApplicationMessage>();

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public Func<MqttApplicationMessage, ValueTask> Handler => m =>
    {
        _messages.Writer.TryWrite(m);
        return ValueTask.CompletedTask;
    };

    public static Inbox For(MqttClient client)
    {
        var inbox = new Inbox();
        client.MessageReceivedAsync = inbox.Handler;
        return inbox;
    }

    public async Task<MqttApplicationMessage> NextAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    public bool TryTake(out MqttApplicationMessage? message) => _messages.Reader.TryRead(out message);

    public static string Text(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload.Span);
}
