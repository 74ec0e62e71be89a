using System.Text.Json;
using SmartPole.Domain;
using SmartPole.Domain.Cities;
using SmartPole.Domain.Telemetry;
using SmartPole.Simulation.Models;

namespace SmartPole.Simulation;

/// <summary>
/// One simulated pole: the models of every device it carries, producing the pole's next
/// <see cref="TelemetryFrame"/> for a given model time. Values are a seeded function of (seed,
/// city, pole, device, time) plus counters integrated between frames, so the same seed and the
/// same times give byte-identical frames. Thread-safe: frames and commands may come from
/// different threads.
/// </summary>
public sealed class PoleModel
{
    private readonly Lock _gate = new();
    private readonly TimeZoneInfo _timeZone;
    private readonly ulong _seed;
    private readonly DeviceModel[] _devices;
    private readonly double _supplyBiasV;
    private readonly double _ambientBiasC;
    private readonly double _trafficBias;
    private readonly Dictionary<FaultKind, (DeviceModel? Device, DateTimeOffset Until)> _faults = [];
    private DateTimeOffset? _lastModelTime;
    private long _seq;
    private TimeSpan? _reportingInterval;

    /// <summary>Builds the models of <paramref name="pole"/>'s devices.</summary>
    /// <param name="cityId">The city the pole belongs to (part of the seed).</param>
    /// <param name="pole">The pole and its devices.</param>
    /// <param name="timeZone">The city's time zone: schedules and traffic follow local time.</param>
    /// <param name="seed">Fleet seed: the same seed gives the same values.</param>
    public PoleModel(string cityId, PoleInfo pole, TimeZoneInfo timeZone, int seed)
    {
        ArgumentNullException.ThrowIfNull(pole);
        ArgumentNullException.ThrowIfNull(timeZone);
        CityId = cityId;
        Pole = pole;
        _timeZone = timeZone;
        _seed = SimRandom.Hash((ulong)(uint)seed, SimRandom.StableHash(cityId), SimRandom.StableHash(pole.Id));
        _supplyBiasV = SimRandom.Range(_seed, 1, -4, 4);
        _ambientBiasC = SimRandom.Range(_seed, 2, -0.7, 0.7);
        _trafficBias = SimRandom.Range(_seed, 3, 0.85, 1.1);
        _devices = [.. pole.Devices.Select(d => Create(d, _seed))];
    }

    /// <summary>The city id.</summary>
    public string CityId { get; }

    /// <summary>The pole simulated.</summary>
    public PoleInfo Pole { get; }

    /// <summary>The <c>seq</c> of the last frame produced (0 before the first).</summary>
    public long Seq
    {
        get
        {
            lock (_gate)
            {
                return _seq;
            }
        }
    }

    /// <summary>The reporting interval the platform asked for in the pole's <c>config</c>, or null when it did not.</summary>
    public TimeSpan? ReportingInterval
    {
        get
        {
            lock (_gate)
            {
                return _reportingInterval;
            }
        }
    }

    /// <summary>The device faults the pole suffers now (<see cref="FaultKind.GatewayDrop"/> and malformed payloads are the fleet's, never listed here).</summary>
    public IReadOnlyList<FaultKind> ActiveFaults
    {
        get
        {
            lock (_gate)
            {
                return [.. _faults.Keys.Order()];
            }
        }
    }

    /// <summary>
    /// The pole's next frame: device readings at <paramref name="modelTime"/>, stamped with
    /// <paramref name="timestamp"/> (default: the model time). With a clock speed above 1 the
    /// models run on simulated time while frames carry the real time. Faults whose time is up
    /// clear first.
    /// </summary>
    public TelemetryFrame NextFrame(DateTimeOffset modelTime, DateTimeOffset? timestamp = null)
    {
        lock (_gate)
        {
            foreach (var (kind, fault) in _faults.Where(f => f.Value.Until <= modelTime).ToList())
            {
                Clear(kind, fault.Device);
            }

            var context = ContextAt(modelTime);
            var readings = new DeviceReading?[_devices.Length];
            var load = 0.0;

            // Cabinet and meter depend on the load of the rest, so they read last.
            for (var i = 0; i < _devices.Length; i++)
            {
                if (_devices[i] is not (CabinetModel or MeterModel))
                {
                    readings[i] = _devices[i].Read(context);
                    load += _devices[i].PowerW;
                }
            }

            for (var i = 0; i < _devices.Length; i++)
            {
                if (_devices[i] is CabinetModel)
                {
                    readings[i] = _devices[i].Read(context with { LoadW = load });
                    load += _devices[i].PowerW;
                }
            }

            for (var i = 0; i < _devices.Length; i++)
            {
                if (_devices[i] is MeterModel)
                {
                    readings[i] = _devices[i].Read(context with { LoadW = load });
                }
            }

            _lastModelTime = modelTime;
            _seq++;
            return new TelemetryFrame(timestamp ?? modelTime, _seq, [.. readings.OfType<DeviceReading>()]);
        }
    }

    /// <summary>
    /// True when the pole carries what <paramref name="kind"/> needs (a lamp for lamp faults, a cabinet
    /// for door and tilt, …); supply loss, gateway drops and malformed payloads fit every pole.
    /// </summary>
    public bool CanSuffer(FaultKind kind) => kind switch
    {
        FaultKind.LampFailure or FaultKind.DayBurner => _devices.Any(d => d is LightingModel),
        FaultKind.DoorOpened or FaultKind.Tilt => _devices.Any(d => d is CabinetModel),
        FaultKind.SosPressed => _devices.Any(d => d is SosModel),
        FaultKind.CameraOffline => _devices.Any(d => d is CameraModel),
        FaultKind.SmallCellOffAir => _devices.Any(d => d is SmallCellModel),
        FaultKind.SupplyLoss or FaultKind.GatewayDrop or FaultKind.BadJson or FaultKind.UnknownKind or FaultKind.WrongType => true,
        _ => false,
    };

    /// <summary>
    /// Starts a device fault at <paramref name="modelTime"/> lasting <paramref name="duration"/> of model
    /// time (it clears at the first frame after that); returns the event the pole reports, if the
    /// fault has one, stamped <paramref name="timestamp"/> (default: the model time). A fault already
    /// active is extended. Lamp faults hit one of the pole's lamps, chosen by the seed.
    /// </summary>
    /// <exception cref="ArgumentException">The kind is a fleet fault (gateway drop, malformed payload) or the pole lacks the device.</exception>
    public PoleEvent? InjectFault(FaultKind kind, DateTimeOffset modelTime, TimeSpan duration, DateTimeOffset? timestamp = null)
    {
        if (kind is FaultKind.GatewayDrop or FaultKind.BadJson or FaultKind.UnknownKind or FaultKind.WrongType)
        {
            throw new ArgumentException($"{FaultKinds.Name(kind)} is a connection fault: the fleet runner injects it, not the pole model.", nameof(kind));
        }

        if (!CanSuffer(kind))
        {
            throw new ArgumentException($"pole '{Pole.Id}' has no device that can suffer {FaultKinds.Name(kind)}.", nameof(kind));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        lock (_gate)
        {
            var until = modelTime + duration;
            if (_faults.TryGetValue(kind, out var active))
            {
                _faults[kind] = (active.Device, until);
                return null;
            }

            var at = timestamp ?? modelTime;
            DeviceModel? device = kind switch
            {
                FaultKind.LampFailure or FaultKind.DayBurner => Pick<LightingModel>((ulong)kind),
                FaultKind.DoorOpened or FaultKind.Tilt => Pick<CabinetModel>((ulong)kind),
                FaultKind.SosPressed => Pick<SosModel>((ulong)kind),
                FaultKind.CameraOffline => Pick<CameraModel>((ulong)kind),
                FaultKind.SmallCellOffAir => Pick<SmallCellModel>((ulong)kind),
                _ => null,
            };
            if (device is not null)
            {
                device.Faults |= Flag(kind);
            }

            _faults[kind] = (device, until);
            return kind switch
            {
                FaultKind.LampFailure => new PoleEvent(at, device!.Info.Id, "lampFailure", $"{device.Info.Id} is switched on but draws almost no power"),
                FaultKind.DoorOpened => new PoleEvent(at, device!.Info.Id, "doorOpened", "cabinet door opened"),
                FaultKind.Tilt => new PoleEvent(at, device!.Info.Id, "tilt",
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"pole leaning {((CabinetModel)device).LeaningDeg:0.0}°")),
                FaultKind.SosPressed => new PoleEvent(at, device!.Info.Id, "sosPressed", "emergency button pressed"),
                _ => null,
            };
        }
    }

    /// <summary>Ends a device fault at once; false when it was not active.</summary>
    public bool ClearFault(FaultKind kind)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(kind, out var fault))
            {
                return false;
            }

            Clear(kind, fault.Device);
            return true;
        }
    }

    /// <summary>
    /// Draws whether a fault starts before the frame at <paramref name="modelTime"/>: a Poisson process
    /// of <paramref name="perPoleHour"/> faults per model hour since the previous frame, the kind chosen
    /// among <paramref name="kinds"/> this pole can suffer and is not already suffering. A pure function
    /// of (seed, pole, seq, times): the same run gives the same faults.
    /// </summary>
    internal FaultKind? DrawFault(IReadOnlyList<FaultKind> kinds, double perPoleHour, DateTimeOffset modelTime)
    {
        lock (_gate)
        {
            if (kinds.Count == 0 || perPoleHour <= 0 || _lastModelTime is not { } last || modelTime <= last)
            {
                return null;
            }

            var hours = (modelTime - last).TotalHours;
            var chance = 1 - Math.Exp(-perPoleHour * hours);
            var next = (ulong)(_seq + 1);
            if (SimRandom.Unit(SimRandom.Hash(_seed, 0xFA_0001, next)) >= chance)
            {
                return null;
            }

            var candidates = kinds.Where(k => CanSuffer(k) && !_faults.ContainsKey(k)).ToList();
            return candidates.Count == 0 ? null : candidates[(int)(SimRandom.Hash(_seed, 0xFA_0002, next) % (ulong)candidates.Count)];
        }
    }

    /// <summary>
    /// Applies a command payload (<c>{"device","action","args"}</c>) as the pole would receive it on
    /// <c>cmd/{id}</c>, at model time <paramref name="modelTime"/>; returns the answer to send on <c>cmd/{id}/ack</c>.
    /// </summary>
    public CommandAck ApplyCommand(ReadOnlySpan<byte> payload, DateTimeOffset modelTime)
    {
        string? device;
        string? action;
        JsonElement args;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return CommandAck.Failed("a command must be a JSON object {\"device\",\"action\",\"args\"}");
            }

            device = root.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            action = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            args = root.TryGetProperty("args", out var g) ? g.Clone() : default;
        }
        catch (JsonException e)
        {
            return CommandAck.Failed($"invalid JSON: {e.Message}");
        }

        if (string.IsNullOrEmpty(device) || string.IsNullOrEmpty(action))
        {
            return CommandAck.Failed("a command needs \"device\" and \"action\"");
        }

        lock (_gate)
        {
            var model = Array.Find(_devices, m => m.Info.Id == device);
            if (model is null)
            {
                return CommandAck.Failed($"pole '{Pole.Id}' has no device '{device}'");
            }

            var local = TimeZoneInfo.ConvertTime(modelTime, _timeZone);
            return model.Apply(action, args, TimeOnly.FromTimeSpan(local.TimeOfDay));
        }
    }

    /// <summary>
    /// Applies the desired configuration the platform keeps retained on <c>config</c>:
    /// <c>{"intervalS":10,"lighting":{"onAt":"18:30","offAt":"06:30","steps":[{"at":"18:30","dimPct":100},{"at":"00:00","dimPct":50}]}}</c>.
    /// Both parts are optional; a refused config changes nothing.
    /// </summary>
    public CommandAck ApplyConfig(ReadOnlySpan<byte> payload)
    {
        TimeSpan? interval = null;
        LightingSchedule? schedule = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return CommandAck.Failed("a config must be a JSON object");
            }

            if (root.TryGetProperty("intervalS", out var seconds))
            {
                if (!seconds.TryGetDouble(out var value) || value is <= 0 or > 86_400)
                {
                    return CommandAck.Failed("intervalS must be a number of seconds between 0 and 86400");
                }

                interval = TimeSpan.FromSeconds(value);
            }

            if (root.TryGetProperty("lighting", out var lighting))
            {
                schedule = ParseSchedule(lighting, out var problem);
                if (schedule is null)
                {
                    return CommandAck.Failed(problem!);
                }
            }
        }
        catch (JsonException e)
        {
            return CommandAck.Failed($"invalid JSON: {e.Message}");
        }

        lock (_gate)
        {
            _reportingInterval = interval ?? _reportingInterval;
            if (schedule is not null)
            {
                foreach (var lamp in _devices.OfType<LightingModel>())
                {
                    lamp.Schedule = schedule;
                }
            }
        }

        return CommandAck.Applied;
    }

    private static LightingSchedule? ParseSchedule(JsonElement lighting, out string? problem)
    {
        static bool TryTime(JsonElement parent, string name, out TimeOnly time)
        {
            time = default;
            return parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
                   TimeOnly.TryParseExact(value.GetString(), "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);
        }

        problem = "lighting needs onAt and offAt as \"HH:mm\" and optional steps [{\"at\":\"HH:mm\",\"dimPct\":0..100}]";
        if (lighting.ValueKind != JsonValueKind.Object || !TryTime(lighting, "onAt", out var onAt) || !TryTime(lighting, "offAt", out var offAt))
        {
            return null;
        }

        var steps = new List<(TimeOnly, double)>();
        if (lighting.TryGetProperty("steps", out var stepArray))
        {
            if (stepArray.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            foreach (var step in stepArray.EnumerateArray())
            {
                if (step.ValueKind != JsonValueKind.Object || !TryTime(step, "at", out var at) || !step.TryGetProperty("dimPct", out var dim) ||
                    !dim.TryGetDouble(out var pct) || pct is < 0 or > 100)
                {
                    return null;
                }

                steps.Add((at, pct));
            }
        }

        if (steps.Count == 0)
        {
            steps.Add((onAt, 100));
        }

        problem = null;
        return new LightingSchedule(onAt, offAt, steps);
    }

    private T Pick<T>(ulong channel)
        where T : DeviceModel
    {
        var candidates = _devices.OfType<T>().ToList();
        return candidates[(int)(SimRandom.Hash(_seed, 0xFA_0100 + channel) % (ulong)candidates.Count)];
    }

    private void Clear(FaultKind kind, DeviceModel? device)
    {
        _faults.Remove(kind);
        if (device is not null)
        {
            device.Faults &= ~Flag(kind);
        }
    }

    private static DeviceFault Flag(FaultKind kind) => kind switch
    {
        FaultKind.LampFailure => DeviceFault.Failed,
        FaultKind.DayBurner => DeviceFault.DayBurner,
        FaultKind.DoorOpened => DeviceFault.DoorOpen,
        FaultKind.Tilt => DeviceFault.Tilted,
        FaultKind.SosPressed => DeviceFault.Pressed,
        FaultKind.CameraOffline or FaultKind.SmallCellOffAir => DeviceFault.Offline,
        _ => DeviceFault.None,
    };

    private ModelContext ContextAt(DateTimeOffset modelTime)
    {
        var local = TimeZoneInfo.ConvertTime(modelTime, _timeZone);
        var hour = local.TimeOfDay.TotalHours;
        var unix = modelTime.ToUnixTimeMilliseconds() / 1000.0;
        var elapsed = _lastModelTime is { } last ? Math.Max(0, (modelTime - last).TotalHours) : 0;
        var traffic = Math.Clamp(DayCurves.Traffic(hour) * _trafficBias * (1 + (0.08 * SimRandom.Smooth(_seed, 10, unix, 1_200))), 0, 1);
        var ambient = DayCurves.SeasonalMeanC(local.DayOfYear) + DayCurves.DiurnalSwingC(hour) + _ambientBiasC +
                      (0.6 * SimRandom.Smooth(_seed, 11, unix, 3_600)) + (1.5 * SimRandom.Smooth(SimRandom.StableHash("weather"), 12, unix, 86_400));
        var lost = _faults.ContainsKey(FaultKind.SupplyLoss);
        var supply = lost ? 0 : 220 + _supplyBiasV + (2 * SimRandom.Smooth(_seed, 13, unix, 600));
        return new ModelContext(unix, hour, TimeOnly.FromTimeSpan(local.TimeOfDay), local.DayOfYear, elapsed, traffic, ambient, supply, lost);
    }

    private static DeviceModel Create(DeviceInfo device, ulong seed) => device.Kind switch
    {
        DeviceKind.Lighting => new LightingModel(device, seed),
        DeviceKind.SmallCell => new SmallCellModel(device, seed),
        DeviceKind.Camera => new CameraModel(device, seed),
        DeviceKind.Environment => new EnvironmentModel(device, seed),
        DeviceKind.Cabinet => new CabinetModel(device, seed),
        DeviceKind.Meter => new MeterModel(device, seed),
        DeviceKind.Display => new DisplayModel(device, seed),
        DeviceKind.Charger => new ChargerModel(device, seed),
        DeviceKind.Sos => new SosModel(device, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(device), device.Kind, "no model for this device kind"),
    };
}
