using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Noise above the zone's limit, which is lower at night (local time).</summary>
internal sealed class NoiseRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Environment;

    public string AlarmType => AlarmTypes.Noise;

    public RuleVerdict Evaluate(DeviceSlot device, RuleContext context)
    {
        if (device.Number("noiseDb") is not { } noise)
        {
            return RuleVerdict.NoData;
        }

        var limit = context.Thresholds.NoiseLimitAt(context.LocalTime);
        return noise > limit
            ? RuleVerdict.Raise(string.Create(CultureInfo.InvariantCulture, $"noiseDb {noise:0.#} > {limit:0.#} dB(A)"))
            : RuleVerdict.Normal;
    }
}
