using System.Collections.Concurrent;
using SmartPole.Actors;
using SmartPole.Domain.Alarms;
using SmartPole.Domain.Telemetry;
using SmartPole.Domain.Wire;
using SmartPole.Mqtt;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Ingest;

/// <summary>
/// Maps broker messages to pole actors: topic → (city, pole), payload → TelemetryFrame. Protocol
/// parsing stays in the broker, payload decoding in Domain; what cannot be used is dead-lettered
/// with its reason and never stops the flow.
/// </summary>
internal sealed class TelemetryIngestor(ActorHost<PoleActor> poles, CityRegistry registry, DeadLetterLog deadLetters)
{
    // Telemetry topics seen, parsed once: a pole publishes on the same topic for its whole life. Bounded:
    // past the cap a topic is parsed per message, as before.
    private const int MaxRoutes = 100_000;

    private readonly ConcurrentDictionary<string, PoleRoute> _routes = new(StringComparer.Ordinal);
    private long _frames;

    /// <summary>Frames handed to pole actors since start.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Handles one inbound PUBLISH. Returns once the frame is in its pole's mailbox.</summary>
    public async ValueTask HandleAsync(MqttInboundMessage inbound, CancellationToken cancellationToken)
    {
        var message = inbound.Message;
        if (_routes.TryGetValue(message.Topic, out var route))
        {
            await HandleTelemetryAsync(inbound, route.Topic, route.Key, cancellationToken);
            return;
        }

        if (!PoleTopic.TryParse(message.Topic, out var topic, out var topicError))
        {
            deadLetters.Add(message.Topic, inbound.ClientId, null, topicError!, message.Payload.Span);
            return;
        }

        var key = PoleKey.Of(topic!.City, topic.Pole);
        switch (topic.Kind)
        {
            case PoleTopicKind.Telemetry:
                if (_routes.Count < MaxRoutes)
                {
                    _routes.TryAdd(message.Topic, new PoleRoute(topic, key));
                }

                await HandleTelemetryAsync(inbound, topic, key, cancellationToken);
                return;
            case PoleTopicKind.Status:
                registry.EnsurePole(topic.City, topic.Pole);
                var status = message.Payload.ToArray(); // the broker may reuse its buffer once the hook returns
                await poles.TellAsync(key, (actor, _) => actor.ApplyStatusAsync(status), cancellationToken);
                return;
            case PoleTopicKind.Events:
                if (!PoleEventDecoder.TryDecode(message.Payload.Span, out var poleEvent, out var eventError))
                {
                    deadLetters.Add(message.Topic, inbound.ClientId, null, eventError!, message.Payload.Span);
                    return;
                }

                registry.EnsurePole(topic.City, topic.Pole);
                await poles.TellAsync(key, (actor, _) => actor.ApplyEventAsync(poleEvent!), cancellationToken);
                return;
            case PoleTopicKind.CommandAck:
                var commandId = topic.CommandId!;
                var ack = message.Payload.ToArray();
                await poles.TellAsync(key, (actor, _) => actor.ApplyCommandAckAsync(commandId, ack), cancellationToken);
                return;
            default:
                // Commands and config flow from the platform to poles; a pole publishing them is ignored.
                return;
        }
    }

    private async ValueTask HandleTelemetryAsync(MqttInboundMessage inbound, PoleTopic topic, string key, CancellationToken cancellationToken)
    {
        var message = inbound.Message;
        var decoded = TelemetryFrameDecoder.Decode(message.Payload.Span);
        if (decoded.Frame is not { } frame)
        {
            deadLetters.Add(message.Topic, inbound.ClientId, null, decoded.Error!, message.Payload.Span);
            return;
        }

        foreach (var rejected in decoded.Rejected)
        {
            deadLetters.Add(message.Topic, inbound.ClientId, rejected.DeviceId, rejected.Reason, message.Payload.Span);
        }

        // Looked up first: registering takes a lock and a new record, and the pole is nearly always known.
        if (registry.Find(topic.City, topic.Pole) is null)
        {
            registry.EnsurePole(topic.City, topic.Pole);
        }

        Interlocked.Increment(ref _frames);
        await poles.TellAsync(key, (actor, _) => actor.ApplyAsync(frame), cancellationToken);
    }

    private sealed record PoleRoute(PoleTopic Topic, string Key);
}
