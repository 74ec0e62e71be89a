using SmartPole.Domain.Telemetry;

namespace SmartPole.Domain.Poles;

/// <summary>
/// One device's latest values, kept compact: one number per catalog metric in a dense array (the
/// type comes back from the catalog), a presence bit mask, and a side list only for unknown metrics.
/// </summary>
internal sealed class DeviceSlot
{
    private MetricDefinition[] _definitions;

    public DeviceSlot(string id, DeviceKind kind)
    {
        Id = DeviceIds.Share(id);
        Kind = kind;
        _definitions = MetricCatalog.Ordered(kind);
        Values = new double[_definitions.Length];
    }

    public string Id { get; }

    public DeviceKind Kind { get; private set; }

    /// <summary>UTC ticks of the newest reading.</summary>
    public long TimestampTicks { get; set; }

    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);

    public double[] Values { get; private set; }

    /// <summary>The catalog metrics of the kind, in the order of <see cref="Values"/>.</summary>
    public MetricDefinition[] Definitions => _definitions;

    /// <summary>Bit i set = catalog metric i has a value.</summary>
    public uint Present { get; set; }

    /// <summary>Metrics the catalog does not know for this kind (rare; null until one arrives).</summary>
    public List<KeyValuePair<string, double>>? Unknown { get; set; }

    public void Reset(DeviceKind kind)
    {
        if (kind == Kind)
        {
            return;
        }

        Kind = kind;
        _definitions = MetricCatalog.Ordered(kind);
        Values = new double[_definitions.Length];
        Present = 0;
        Unknown = null;
    }

    public void Set(string name, double value)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            Values[index] = value;
            Present |= 1u << index;
            return;
        }

        Unknown ??= [];
        var at = UnknownIndexOf(name);
        if (at >= 0)
        {
            Unknown[at] = new(name, value);
        }
        else
        {
            Unknown.Add(new(name, value));
        }
    }

    public bool TryGet(string name, out MetricValue value)
    {
        var index = IndexOf(name);
        if (index >= 0)
        {
            if ((Present & (1u << index)) != 0)
            {
                value = ToValue(_definitions[index].Type, Values[index]);
                return true;
            }
        }
        else if (UnknownIndexOf(name) is >= 0 and var at)
        {
            value = MetricValue.FromFloat(Unknown![at].Value);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The metric as a number, or null when it never arrived.</summary>
    public double? Number(string name) => TryGet(name, out var value) ? value.AsDouble() : null;

    /// <summary>The metric as a flag, or null when it never arrived.</summary>
    public bool? Flag(string name) => TryGet(name, out var value) ? value.AsBoolean() : null;

    /// <summary>Every present metric with its typed value, catalog order first.</summary>
    public IEnumerable<KeyValuePair<string, MetricValue>> All()
    {
        for (var i = 0; i < _definitions.Length; i++)
        {
            if ((Present & (1u << i)) != 0)
            {
                yield return new(_definitions[i].Name, ToValue(_definitions[i].Type, Values[i]));
            }
        }

        if (Unknown is not null)
        {
            foreach (var pair in Unknown)
            {
                yield return new(pair.Key, MetricValue.FromFloat(pair.Value));
            }
        }
    }

    public static double ToNumber(MetricValue value) => value.AsDouble();

    // A loop, not List.FindIndex with a lambda: a lambda capturing a parameter makes the compiler
    // allocate its closure on entry to the method, on every call, even when the lambda never runs.
    private int UnknownIndexOf(string name)
    {
        var unknown = Unknown;
        if (unknown is not null)
        {
            for (var i = 0; i < unknown.Count; i++)
            {
                if (unknown[i].Key == name)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    // Names from the decoder and from the rules' literals are the catalog's own (interned) strings, so
    // a reference scan of at most eight names finds them without hashing; anything else takes the dictionary.
    private int IndexOf(string name)
    {
        var definitions = _definitions;
        for (var i = 0; i < definitions.Length; i++)
        {
            if (ReferenceEquals(definitions[i].Name, name))
            {
                return i;
            }
        }

        return MetricCatalog.IndexOf(Kind, name);
    }

    public static MetricValue ToValue(MetricType type, double number) => type switch
    {
        MetricType.Boolean => MetricValue.FromBoolean(number != 0),
        MetricType.Integer => MetricValue.FromInteger((long)number),
        _ => MetricValue.FromFloat(number),
    };
}
