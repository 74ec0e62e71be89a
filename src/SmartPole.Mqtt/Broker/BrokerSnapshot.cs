using System.Security.Cryptography;
using System.Text;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// What a broker keeps across a restart: retained messages and the persistent sessions (subscriptions,
/// messages queued or in flight, QoS 2 packet ids not yet released, when the session expires). Times are
/// wall-clock, so the time the broker was down counts against session and message expiry.
/// </summary>
/// <remarks>
/// File layout: an 8-byte magic, the payload length (int64), the payload's SHA-256, then the payload. A file cut
/// short or changed on disk fails the length or hash check and is reported as corrupt, never half-loaded.
/// </remarks>
internal sealed class BrokerSnapshot
{
    private static readonly byte[] Magic = "SPMQST01"u8.ToArray();
    private const int HeaderSize = 8 + 8 + 32;

    public List<RetainedEntry> Retained { get; } = [];

    public List<SessionEntry> Sessions { get; } = [];

    public void WriteTo(Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Retained.Count);
            foreach (var retained in Retained)
            {
                WriteMessage(writer, retained.Message);
                writer.Write(retained.StoredAtUtcTicks);
            }

            writer.Write(Sessions.Count);
            foreach (var session in Sessions)
            {
                WriteSession(writer, session);
            }
        }

        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BitConverter.TryWriteBytes(header[8..], (long)bytes.Length);
        SHA256.HashData(bytes, header[16..]);
        stream.Write(header);
        stream.Write(bytes);
    }

    /// <summary>Reads a snapshot; <see cref="InvalidDataException"/> says why a file is unusable.</summary>
    public static BrokerSnapshot ReadFrom(byte[] file)
    {
        if (file.Length < HeaderSize || !file.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"not a broker state file ({file.Length} bytes, no header)");
        }

        var length = BitConverter.ToInt64(file, 8);
        if (length != file.Length - HeaderSize)
        {
            throw new InvalidDataException($"torn file: the header announces {length} bytes of state, {file.Length - HeaderSize} are there");
        }

        var payload = file.AsSpan(HeaderSize);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(file.AsSpan(16, 32)))
        {
            throw new InvalidDataException("checksum mismatch: the state was changed or partly written");
        }

        using var reader = new BinaryReader(new MemoryStream(file, HeaderSize, (int)length, writable: false), Encoding.UTF8);
        var snapshot = new BrokerSnapshot();
        try
        {
            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                snapshot.Retained.Add(new RetainedEntry(ReadMessage(reader), reader.ReadInt64()));
            }

            for (var i = reader.ReadInt32(); i > 0; i--)
            {
                snapshot.Sessions.Add(ReadSession(reader));
            }
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException)
        {
            throw new InvalidDataException("the state does not decode: " + e.Message, e);
        }

        return snapshot;
    }

    private static void WriteSession(BinaryWriter writer, SessionEntry session)
    {
        writer.Write(session.ClientId);
        writer.Write(session.ExpiryInterval);
        writer.Write(session.ExpiresAtUtcTicks);
        writer.Write(session.Subscriptions.Count);
        foreach (var s in session.Subscriptions)
        {
            writer.Write(s.Filter);
            writer.Write((byte)s.Qos);
            writer.Write(s.NoLocal);
            writer.Write(s.RetainAsPublished);
            writer.Write(s.RetainHandling);
            writer.Write(s.SubscriptionId.HasValue);
            writer.Write(s.SubscriptionId.GetValueOrDefault());
        }

        writer.Write(session.Inflight.Count);
        foreach (var (id, awaitingPubComp, message) in session.Inflight)
        {
            writer.Write(id);
            writer.Write(awaitingPubComp);
            WriteOutgoing(writer, message);
        }

        writer.Write(session.Pending.Count);
        foreach (var message in session.Pending)
        {
            WriteOutgoing(writer, message);
        }

        writer.Write(session.IncomingQos2.Count);
        foreach (var id in session.IncomingQos2)
        {
            writer.Write(id);
        }
    }

    private static SessionEntry ReadSession(BinaryReader reader)
    {
        var session = new SessionEntry(reader.ReadString(), reader.ReadUInt32(), reader.ReadInt64());
        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            var (filter, qos, noLocal, retainAsPublished, retainHandling) = (reader.ReadString(), ReadQos(reader), reader.ReadBoolean(), reader.ReadBoolean(), reader.ReadByte());
            var hasId = reader.ReadBoolean();
            var id = reader.ReadUInt32();
            session.Subscriptions.Add(new SubscriptionEntry(filter, qos, noLocal, retainAsPublished, retainHandling, hasId ? id : null));
        }

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            session.Inflight.Add((reader.ReadUInt16(), reader.ReadBoolean(), ReadOutgoing(reader)));
        }

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            session.Pending.Add(ReadOutgoing(reader));
        }

        for (var i = reader.ReadInt32(); i > 0; i--)
        {
            session.IncomingQos2.Add(reader.ReadUInt16());
        }

        return session;
    }

    private static void WriteOutgoing(BinaryWriter writer, QueuedEntry entry)
    {
        WriteMessage(writer, entry.Message);
        writer.Write((byte)entry.Qos);
        writer.Write(entry.Retain);
        writer.Write(entry.SubscriptionIds?.Count ?? -1);
        foreach (var id in entry.SubscriptionIds ?? [])
        {
            writer.Write(id);
        }

        writer.Write(entry.QueuedAtUtcTicks);
    }

    private static QueuedEntry ReadOutgoing(BinaryReader reader)
    {
        var message = ReadMessage(reader);
        var qos = ReadQos(reader);
        var retain = reader.ReadBoolean();
        var count = reader.ReadInt32();
        uint[]? ids = null;
        if (count >= 0)
        {
            ids = new uint[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = reader.ReadUInt32();
            }
        }

        return new QueuedEntry(message, qos, retain, ids, reader.ReadInt64());
    }

    private static void WriteMessage(BinaryWriter writer, MqttApplicationMessage message)
    {
        writer.Write(message.Topic);
        WriteBytes(writer, message.Payload.Span);
        writer.Write((byte)message.Qos);
        writer.Write(message.Retain);
        writer.Write(message.PayloadIsUtf8);
        writer.Write(message.MessageExpiryInterval.HasValue);
        writer.Write(message.MessageExpiryInterval.GetValueOrDefault());
        WriteOptional(writer, message.ContentType);
        WriteOptional(writer, message.ResponseTopic);
        WriteBytes(writer, message.CorrelationData.Span);
        writer.Write(message.UserProperties.Count);
        foreach (var property in message.UserProperties)
        {
            writer.Write(property.Name);
            writer.Write(property.Value);
        }
    }

    private static MqttApplicationMessage ReadMessage(BinaryReader reader)
    {
        var topic = reader.ReadString();
        var payload = ReadBytes(reader);
        var qos = ReadQos(reader);
        var retain = reader.ReadBoolean();
        var utf8 = reader.ReadBoolean();
        var hasExpiry = reader.ReadBoolean();
        var expiry = reader.ReadUInt32();
        var contentType = ReadOptional(reader);
        var responseTopic = ReadOptional(reader);
        var correlation = ReadBytes(reader);
        var properties = new MqttUserProperty[ReadCount(reader)];
        for (var i = 0; i < properties.Length; i++)
        {
            properties[i] = new MqttUserProperty(reader.ReadString(), reader.ReadString());
        }

        return new MqttApplicationMessage(topic, payload, qos, retain)
        {
            PayloadIsUtf8 = utf8,
            MessageExpiryInterval = hasExpiry ? expiry : null,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            UserProperties = properties,
        };
    }

    private static MqttQualityOfService ReadQos(BinaryReader reader)
    {
        var qos = reader.ReadByte();
        return qos <= 2 ? (MqttQualityOfService)qos : throw new FormatException($"QoS {qos}");
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.BaseStream.Length - reader.BaseStream.Position ? count : throw new FormatException($"count {count}");
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader) => reader.ReadBytes(ReadCount(reader));

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        writer.Write(value ?? "");
    }

    private static string? ReadOptional(BinaryReader reader)
    {
        var present = reader.ReadBoolean();
        var value = reader.ReadString();
        return present ? value : null;
    }

    /// <summary>A retained message and when it was stored (UTC ticks).</summary>
    public sealed record RetainedEntry(MqttApplicationMessage Message, long StoredAtUtcTicks);

    /// <summary>One subscription of a persistent session.</summary>
    public sealed record SubscriptionEntry(string Filter, MqttQualityOfService Qos, bool NoLocal, bool RetainAsPublished, byte RetainHandling, uint? SubscriptionId);

    /// <summary>A message queued for (or in flight to) a session, with when it was queued (UTC ticks).</summary>
    public sealed record QueuedEntry(MqttApplicationMessage Message, MqttQualityOfService Qos, bool Retain, IReadOnlyList<uint>? SubscriptionIds, long QueuedAtUtcTicks);

    /// <summary>A persistent session; <see cref="ExpiresAtUtcTicks"/> is <see cref="long.MaxValue"/> when it never expires.</summary>
    public sealed record SessionEntry(string ClientId, uint ExpiryInterval, long ExpiresAtUtcTicks)
    {
        public List<SubscriptionEntry> Subscriptions { get; } = [];

        public List<(ushort PacketId, bool AwaitingPubComp, QueuedEntry Message)> Inflight { get; } = [];

        public List<QueuedEntry> Pending { get; } = [];

        public List<ushort> IncomingQos2 { get; } = [];
    }
}
