using System.Text.Json.Nodes;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Fleet;

/// <summary>Spoils a frame the way broken gateways do, for the platform's robustness tests.</summary>
internal static class MalformedPayload
{
    /// <summary>The kind a device reading carries in an <see cref="FaultKind.UnknownKind"/> frame: no such kind exists in the contract.</summary>
    public const string UnknownKindName = "teleporter";

    /// <summary><paramref name="frame"/>'s wire JSON spoiled as <paramref name="kind"/> says.</summary>
    public static byte[] Create(FaultKind kind, TelemetryFrame frame)
    {
        var json = TelemetryFrameEncoder.ToUtf8(frame);
        switch (kind)
        {
            case FaultKind.BadJson:
                // Cut in the middle, as a gateway that lost power mid-write sends: never valid JSON.
                return json[..(json.Length / 2)];
            case FaultKind.UnknownKind:
            {
                var root = JsonNode.Parse(json)!.AsObject();
                root["devices"]!.AsArray().Add(new JsonObject { ["id"] = "tp-1", ["kind"] = UnknownKindName, ["m"] = new JsonObject { ["chargePct"] = 42.0 } });
                return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
            }

            case FaultKind.WrongType:
            {
                // The first metric of the first device becomes a string, which no metric of the catalog is.
                var root = JsonNode.Parse(json)!.AsObject();
                var metrics = root["devices"]![0]!["m"]!.AsObject();
                var name = metrics.First().Key;
                metrics[name] = "n/a";
                return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a malformed-payload fault");
        }
    }
}
