namespace SmartPole.Domain.Wire;

/// <summary>A parsed topic of the wire contract v1 (<c>sp/{city}/{pole}/…</c>).</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="Kind">What the topic carries.</param>
/// <param name="CommandId">The command id for <see cref="PoleTopicKind.Command"/> and <see cref="PoleTopicKind.CommandAck"/>.</param>
public sealed record PoleTopic(string City, string Pole, PoleTopicKind Kind, string? CommandId = null)
{
    /// <summary>The topic prefix of every pole topic.</summary>
    public const string Root = "sp";

    /// <summary>The filter that matches every telemetry topic of every city.</summary>
    public const string AllTelemetry = "sp/+/+/telemetry";

    /// <summary>The topic a pole publishes its frames on.</summary>
    public static string Telemetry(string city, string pole) => $"sp/{city}/{pole}/telemetry";

    /// <summary>The topic of a pole's retained online/offline status.</summary>
    public static string Status(string city, string pole) => $"sp/{city}/{pole}/status";

    /// <summary>The topic a command is sent to a pole on.</summary>
    public static string Command(string city, string pole, string commandId) => $"sp/{city}/{pole}/cmd/{commandId}";

    /// <summary>The topic of a pole's retained desired configuration.</summary>
    public static string Config(string city, string pole) => $"sp/{city}/{pole}/config";

    /// <summary>Parses <paramref name="topic"/>; returns false with a reason when it is no pole topic of the contract.</summary>
    public static bool TryParse(string topic, out PoleTopic? parsed, out string? error)
    {
        parsed = null;
        var parts = topic.Split('/');
        if (parts.Length < 4 || parts[0] != Root)
        {
            error = "not a wire-contract topic (expected sp/{city}/{pole}/…)";
            return false;
        }

        if (!Ids.IsValid(parts[1]) || !Ids.IsValid(parts[2]))
        {
            error = "city and pole ids must match [a-z0-9-]{1,64} ('provision' is reserved)";
            return false;
        }

        PoleTopicKind? kind = (parts.Length, parts[3]) switch
        {
            (4, "telemetry") => PoleTopicKind.Telemetry,
            (4, "events") => PoleTopicKind.Events,
            (4, "status") => PoleTopicKind.Status,
            (4, "config") => PoleTopicKind.Config,
            (5, "cmd") => PoleTopicKind.Command,
            (6, "cmd") when parts[5] == "ack" => PoleTopicKind.CommandAck,
            _ => null,
        };
        if (kind is null)
        {
            error = $"unknown pole topic '{string.Join('/', parts.Skip(3))}'";
            return false;
        }

        if (kind is PoleTopicKind.Command or PoleTopicKind.CommandAck && parts[4].Length == 0)
        {
            error = "empty command id";
            return false;
        }

        parsed = new PoleTopic(parts[1], parts[2], kind.Value, kind is PoleTopicKind.Command or PoleTopicKind.CommandAck ? parts[4] : null);
        error = null;
        return true;
    }
}
