using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>A camera with on-board analytics: people and vehicle counts follow traffic; loop recording keeps storage bounded.</summary>
internal sealed class CameraModel : DeviceModel
{
    private readonly double _peakPeople;
    private readonly double _peakVehicles;
    private readonly double _storageStart;

    public CameraModel(DeviceInfo info, ulong seed)
        : base(info, seed)
    {
        _peakPeople = Param(1, 5, 80);
        _peakVehicles = Param(2, 10, 150);
        _storageStart = Param(3, 0, 1);
    }

    public override DeviceReading Read(in ModelContext context)
    {
        if (context.SupplyLost || (Faults & DeviceFault.Offline) != 0)
        {
            // The gateway can no longer reach the camera: it knows only that, not what the camera sees.
            PowerW = context.SupplyLost ? 0 : Info.RatedPowerW > 0 ? Info.RatedPowerW : 12;
            return new DeviceReading(Info.Id, DeviceKind.Camera, [Boolean("online", false), Boolean("recording", false)]);
        }

        PowerW = Info.RatedPowerW > 0 ? Info.RatedPowerW : 12;
        var people = (long)Math.Round(Math.Max(0, _peakPeople * context.Traffic * (1 + (0.25 * Noise(4, context, 300)))));
        var vehicles = (long)Math.Round(Math.Max(0, _peakVehicles * context.Traffic * (1 + (0.2 * Noise(5, context, 300)))));

        // Night scenes are noisier for the encoder; busy scenes carry more motion.
        var night = context.LocalHour is < 6.5 or > 18.5;
        var bitrate = (night ? 5_200 : 4_000) + (1_500 * context.Traffic) + (200 * Noise(6, context, 60));

        // Loop recording: fills from 55 % to 95 % over about nine days, then old footage is overwritten.
        var cycle = ((context.UnixSeconds / (9 * 86_400)) + _storageStart) % 1.0;
        var storage = 55 + (40 * cycle);
        return new DeviceReading(Info.Id, DeviceKind.Camera,
        [
            Boolean("online", true),
            Boolean("recording", true),
            Float("bitrateKbps", bitrate, 0),
            Float("storagePct", storage),
            Integer("people", people),
            Integer("vehicles", vehicles),
        ]);
    }
}
