using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>An LED information display: on from 07:00 to 23:00, dimmer after dark; accepts on/off/message commands.</summary>
internal sealed class DisplayModel(DeviceInfo info, ulong seed) : DeviceModel(info, seed)
{
    private bool? _forcedOn;

    /// <summary>The last message an operator put on the display, or null.</summary>
    public string? Message { get; private set; }

    public override DeviceReading Read(in ModelContext context)
    {
        var scheduled = context.LocalHour is >= 7 and < 23;
        var on = !context.SupplyLost && (_forcedOn ?? scheduled);
        var dark = context.LocalHour is < 6.5 or > 18.5;
        var brightness = on ? (dark ? 40 : 100) : 0;
        var rated = Info.RatedPowerW > 0 ? Info.RatedPowerW : 150;
        PowerW = on ? 8 + (rated * brightness / 100) : context.SupplyLost ? 0 : 3;
        return new DeviceReading(Info.Id, DeviceKind.Display, [Boolean("on", on), Float("brightnessPct", brightness, 0)]);
    }

    public override CommandAck Apply(string action, JsonElement args, TimeOnly localTime)
    {
        switch (action)
        {
            case "on":
                _forcedOn = true;
                return CommandAck.Applied;
            case "off":
                _forcedOn = false;
                return CommandAck.Applied;
            case "auto":
                _forcedOn = null;
                return CommandAck.Applied;
            case "message" when args.ValueKind == JsonValueKind.Object && args.TryGetProperty("text", out var text) &&
                                text.ValueKind == JsonValueKind.String:
                Message = text.GetString();
                return CommandAck.Applied;
            case "message":
                return CommandAck.Failed("message needs args {\"text\": \"…\"}");
            default:
                return CommandAck.Failed($"display does not support '{action}' (on, off, auto, message)");
        }
    }
}
