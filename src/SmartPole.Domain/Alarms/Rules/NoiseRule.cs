using System.Globalization;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Alarms.Rules;

/// <summary>Noise above the zone's limit, which is lower at night (local time).</summary>
internal sealed class NoiseRule : IAlarmRule
{
    public DeviceKind Kind => DeviceKind.Environment;

    public string AlarmType => AlarmTypes.Noise;

    public RuleOutcome Check(DeviceSlot device, in RuleContext context)
    {
        if (device.Number("noiseDb") is not { } noise)
        {
            return RuleOutcome.NoData;
        }

        return noise > context.Thresholds.NoiseLimitAt(context.LocalTime) ? RuleOutcome.Alarm : RuleOutcome.Normal;
    }

    public string Describe(DeviceSlot device, in RuleContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"noiseDb {device.Number("noiseDb"):0.#} > {context.Thresholds.NoiseLimitAt(context.LocalTime):0.#} dB(A)");
}
