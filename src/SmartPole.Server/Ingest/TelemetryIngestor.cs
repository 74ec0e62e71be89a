using SmartPole.Actors;
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
    private long _frames;

    /// <summary>Frames handed to pole actors since start.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Handles one inbound PUBLISH. Returns once the frame is in its pole's mailbox.</summary>
    public async ValueTask HandleAsync(MqttInboundMessage inbound, CancellationToken cancellationToken)
    {
        var message = inbound.Message;
        if (!PoleTopic.TryParse(message.Topic, out var topic, out var topicError))
        {
            deadLetters.Add(message.Topic, inbound.ClientId, null, topicError!, message.Payload.Span);
            return;
        }

        if (topic!.Kind != PoleTopicKind.Telemetry)
        {
            // Status, events and command acks are the twin's next steps; commands and config are ours, echoed back.
            return;
        }

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

        registry.EnsurePole(topic.City, topic.Pole);
        Interlocked.Increment(ref _frames);
        await poles.TellAsync(PoleKey.Of(topic.City, topic.Pole), (actor, _) => actor.ApplyAsync(frame), cancellationToken);
    }
}
