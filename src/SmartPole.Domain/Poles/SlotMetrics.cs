using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Poles;

/// <summary>
/// A frozen copy of one device's latest values that reads as a dictionary by metric name. It keeps
/// the slot's dense numbers (one small array) instead of a hashed dictionary, and types each value
/// (boxing it, for the snapshot) only when it is read: snapshots are built once per frame but read
/// far less often. Enumeration is in catalog order, then unknown metrics, as the slot keeps them.
/// </summary>
/// <typeparam name="TValue">What a value reads as: boxed bool/long/double for snapshots, a number for state.</typeparam>
internal sealed class SlotMetrics<TValue> : IReadOnlyDictionary<string, TValue>
{
    private readonly MetricDefinition[] _definitions;
    private readonly double[] _values;
    private readonly uint _present;
    private readonly KeyValuePair<string, double>[]? _unknown;
    private readonly Func<MetricValue, TValue> _project;

    public SlotMetrics(DeviceSlot slot, Func<MetricValue, TValue> project)
    {
        _definitions = slot.Definitions;
        _values = [.. slot.Values];
        _present = slot.Present;
        _unknown = slot.Unknown is { Count: > 0 } unknown ? [.. unknown] : null;
        _project = project;
        Count = BitOperations.PopCount(_present) + (_unknown?.Length ?? 0);
    }

    public int Count { get; }

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var pair in this)
            {
                yield return pair.Key;
            }
        }
    }

    public IEnumerable<TValue> Values
    {
        get
        {
            foreach (var pair in this)
            {
                yield return pair.Value;
            }
        }
    }

    public TValue this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The metric '{key}' is not in this reading.");

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < _definitions.Length; i++)
        {
            if ((_present & (1u << i)) != 0 && string.Equals(_definitions[i].Name, key, StringComparison.Ordinal))
            {
                value = _project(DeviceSlot.ToValue(_definitions[i].Type, _values[i]));
                return true;
            }
        }

        if (_unknown is not null)
        {
            foreach (var (name, number) in _unknown)
            {
                if (string.Equals(name, key, StringComparison.Ordinal))
                {
                    value = _project(MetricValue.FromFloat(number));
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
    {
        for (var i = 0; i < _definitions.Length; i++)
        {
            if ((_present & (1u << i)) != 0)
            {
                yield return new(_definitions[i].Name, _project(DeviceSlot.ToValue(_definitions[i].Type, _values[i])));
            }
        }

        if (_unknown is not null)
        {
            foreach (var (name, number) in _unknown)
            {
                yield return new(name, _project(MetricValue.FromFloat(number)));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
