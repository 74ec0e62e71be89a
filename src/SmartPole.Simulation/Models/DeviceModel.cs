using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Simulation.Models;

/// <summary>One simulated device: reads its metrics at an instant and knows the power it draws.</summary>
internal abstract class DeviceModel(DeviceInfo info, ulong seed)
{
    public DeviceInfo Info { get; } = info;

    /// <summary>This device's own seed (pole seed mixed with the device id).</summary>
    protected ulong Seed { get; } = SimRandom.Hash(seed, SimRandom.StableHash(info.Id));

    /// <summary>The faults this device suffers now (set by the pole, cleared when they end).</summary>
    public DeviceFault Faults { get; set; }

    /// <summary>Electrical power the device drew at its last reading (W).</summary>
    public double PowerW { get; protected set; }

    /// <summary>Computes the device's state at <paramref name="context"/> (advancing counters) and returns the reading, or null when the device has nothing to report.</summary>
    public abstract DeviceReading? Read(in ModelContext context);

    /// <summary>Applies an operator command at local time <paramref name="localTime"/>; the default refuses every action.</summary>
    public virtual CommandAck Apply(string action, System.Text.Json.JsonElement args, TimeOnly localTime) =>
        CommandAck.Failed($"{MetricCatalog.WireName(Info.Kind)} device '{Info.Id}' does not support '{action}'");

    protected static Metric Float(string name, double value, int decimals = 1) =>
        new(name, MetricValue.FromFloat(Math.Round(value, decimals, MidpointRounding.AwayFromZero)));

    protected static Metric Integer(string name, long value) => new(name, MetricValue.FromInteger(value));

    protected static Metric Boolean(string name, bool value) => new(name, MetricValue.FromBoolean(value));

    protected double Noise(ulong channel, in ModelContext context, double periodSeconds) =>
        SimRandom.Smooth(Seed, channel, context.UnixSeconds, periodSeconds);

    protected double Param(ulong channel, double min, double max) => SimRandom.Range(Seed, channel, min, max);
}
