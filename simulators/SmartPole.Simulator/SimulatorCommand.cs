using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SmartPole.Simulator;

/// <summary>The command line (flags are part of ARCHITECTURE.md's contract): options, their help and their checks.</summary>
internal sealed class SimulatorCommand
{
    private SimulatorCommand()
    {
        Broker.CustomParser = ParseBroker;
        Interval.CustomParser = result => ParseDuration(result, allowZero: true);
        Duration.CustomParser = result => ParseDuration(result, allowZero: false);
        Poles.Validators.Add(result => Positive(result, result.GetValueOrDefault<int?>()));
        PolesPerConnection.Validators.Add(result => Positive(result, result.GetValueOrDefault<int>()));
        Qos.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is not (0 or 1))
            {
                result.AddError("--qos must be 0 (at most once) or 1 (at least once, every frame acknowledged).");
            }
        });
        Rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } rate && !(rate > 0))
            {
                result.AddError("--rate must be a positive number of frames per second.");
            }
        });
        ClockSpeed.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() > 0))
            {
                result.AddError("--clock-speed must be positive (60 = one simulated hour per real minute).");
            }
        });
        Faults.CustomParser = ParseFaults;
        FaultDuration.CustomParser = result => ParseDuration(result, allowZero: false);
        AckLatency.CustomParser = result => ParseDuration(result, allowZero: true);
        FaultRate.Validators.Add(result =>
        {
            if (!(result.GetValueOrDefault<double>() >= 0) || double.IsInfinity(result.GetValueOrDefault<double>()))
            {
                result.AddError("--fault-rate must be 0 or more faults per pole per simulated hour, e.g. 0.01.");
            }
        });
        AckFailureRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (>= 0 and <= 1))
            {
                result.AddError("--ack-failure-rate is a probability from 0 to 1, e.g. 0.05 for one command in twenty.");
            }
        });
        City.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } city && !Domain.Ids.IsValid(city))
            {
                result.AddError($"--city '{city}' is not a city id: lowercase letters, digits and '-', at most 64.");
            }
        });
        Manifest.AcceptLegalFilePathsOnly();
        Summary.AcceptLegalFilePathsOnly();

        Root = new RootCommand(
            "SmartPole field simulator: brings a city of smart poles to life over MQTT. Each pole publishes a " +
            "telemetry frame (lamps, 5G small cell, camera, environment, cabinet, meter, …) every --interval on " +
            "sp/{city}/{pole}/telemetry, keeps a retained online/offline status, and answers commands on cmd/{id}. " +
            "Without --manifest it runs the Futian (Shenzhen) demo city, or a generated city for any other --city.\n\n" +
            "Faults (--faults) break poles at random, at --fault-rate per pole per simulated hour, each for --fault-duration: " +
            "lampFailure, dayBurner, doorOpened, tilt, sosPressed, cameraOffline, smallCellOffAir, supplyLoss, gatewayDrop " +
            "('all' = these), and only when named, the malformed payloads badJson, unknownKind, wrongType ('malformed' = these three). " +
            "Events go to sp/{city}/{pole}/events.\n\n" +
            "Exit codes: 0 done; 1 bad arguments or manifest; 2 could not connect to the broker; " +
            "3 QoS 1 frames were sent but not all acknowledged.\n\n" +
            "Examples:\n" +
            "  smartpole-simulator --broker mqtt://10.0.0.5:1883 --duration 10m\n" +
            "  smartpole-simulator --city wuhan --poles 10000 --poles-per-connection 100 --qos 1 --summary run.json\n" +
            "  smartpole-simulator --clock-speed 60          (exhibition: one simulated hour per minute)\n" +
            "  smartpole-simulator --faults all --fault-rate 0.5 --fault-duration 5m --ack-failure-rate 0.05 --ack-latency 800ms")
        {
            Broker, City, Poles, Interval, Duration, Qos, Seed, Manifest, Username, Password, PolesPerConnection, Rate, Summary, ClockSpeed,
            Faults, FaultRate, FaultDuration, AckFailureRate, AckLatency, Verbose,
        };
    }

    public RootCommand Root { get; }

    public Option<Uri> Broker { get; } = new("--broker")
    {
        Description = "The MQTT broker to publish to.",
        HelpName = "mqtt://host:port",
        DefaultValueFactory = _ => new Uri("mqtt://localhost:1883"),
    };

    public Option<string?> City { get; } = new("--city")
    {
        Description = "City id. 'shenzhen' (default) is the demo city of 300 poles on Futian's main roads; any other id gets a generated city.",
        HelpName = "ID",
    };

    public Option<int?> Poles { get; } = new("--poles")
    {
        Description = "How many poles to simulate. Default: all poles of the demo city or manifest, 300 for a generated city. " +
                      "Fewer takes the first N; more than the demo city adds generated poles.",
        HelpName = "N",
    };

    public Option<TimeSpan> Interval { get; } = new("--interval")
    {
        Description = "How often each pole sends a frame, e.g. 500ms, 10s, 1m. 0 = as fast as the broker and --rate allow.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
    };

    public Option<TimeSpan?> Duration { get; } = new("--duration")
    {
        Description = "How long to run, e.g. 60s or 2h. Absent = until Ctrl+C.",
        HelpName = "DURATION",
    };

    public Option<int> Qos { get; } = new("--qos")
    {
        Description = "MQTT QoS of telemetry: 0 = fire and forget, 1 = every frame acknowledged by the broker (waits for acks before exiting).",
        HelpName = "0|1",
        DefaultValueFactory = _ => 0,
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        Description = "Seed of the simulated values and of generated cities: the same seed gives the same data.",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    public Option<FileInfo?> Manifest { get; } = new("--manifest")
    {
        Description = "JSON file with the city, its poles (coordinates, devices) and optional per-pole credentials. See the README for the format.",
        HelpName = "FILE",
    };

    public Option<string?> Username { get; } = new("--username")
    {
        Description = "MQTT user name for every connection (poles with their own credential in the manifest use theirs).",
        HelpName = "USER",
    };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "MQTT password that goes with --username.",
        HelpName = "PASSWORD",
    };

    public Option<int> PolesPerConnection { get; } = new("--poles-per-connection")
    {
        Description = "Poles per MQTT connection. 1 (default) = one gateway per pole, like the field; more = district-gateway mode for large cities.",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    public Option<double?> Rate { get; } = new("--rate")
    {
        Description = "Cap on the whole fleet's frames per second, for load tests (combine with --interval 0 to push as fast as allowed).",
        HelpName = "N",
    };

    public Option<FileInfo?> Summary { get; } = new("--summary")
    {
        Description = "Write the final counts (frames sent, acked, errors, lines, data points, elapsed) to this JSON file.",
        HelpName = "FILE",
    };

    public Option<double> ClockSpeed { get; } = new("--clock-speed")
    {
        Description = "Simulated time runs N times faster for the device models (60 = a day in 24 minutes); frames keep real timestamps.",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    public Option<IReadOnlyList<Simulation.FaultKind>> Faults { get; } = new("--faults")
    {
        Description = "Faults to break poles with at random, comma-separated: lampFailure, dayBurner, doorOpened, tilt, sosPressed, " +
                      "cameraOffline, smallCellOffAir, supplyLoss, gatewayDrop, or 'all'; malformed payloads for robustness tests only when " +
                      "named: badJson, unknownKind, wrongType, or 'malformed'. Absent = no faults.",
        HelpName = "KIND,...",
        DefaultValueFactory = _ => [],
    };

    public Option<double> FaultRate { get; } = new("--fault-rate")
    {
        Description = "Expected faults per pole per simulated hour (0.01 = one pole in a hundred each hour). Used with --faults.",
        HelpName = "N",
        DefaultValueFactory = _ => 0.01,
    };

    public Option<TimeSpan> FaultDuration { get; } = new("--fault-duration")
    {
        Description = "How long a fault lasts in simulated time before it clears; a dropped gateway reconnects then.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
    };

    public Option<double> AckFailureRate { get; } = new("--ack-failure-rate")
    {
        Description = "Probability (0..1) that a pole fails a command: it is not applied and the ack says {\"ok\":false}.",
        HelpName = "P",
        DefaultValueFactory = _ => 0,
    };

    public Option<TimeSpan> AckLatency { get; } = new("--ack-latency")
    {
        Description = "Mean time a pole takes to carry out a command and ack it; each delay is drawn from half to one and a half of it.",
        HelpName = "DURATION",
        DefaultValueFactory = _ => TimeSpan.Zero,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Log every connection problem, failed publish and command.",
    };

    /// <summary>Builds the command with its action: parse, run the fleet, report.</summary>
    public static RootCommand Create()
    {
        var command = new SimulatorCommand();
        command.Root.SetAction((result, cancellationToken) => SimulatorRun.ExecuteAsync(command, result, cancellationToken));
        return command.Root;
    }

    private static Uri? ParseBroker(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "mqtt" or "tcp" && !string.IsNullOrEmpty(uri.Host))
        {
            return uri;
        }

        result.AddError($"--broker '{text}' is not a broker address: write mqtt://host:port, e.g. mqtt://localhost:1883.");
        return null;
    }

    private static TimeSpan ParseDuration(ArgumentResult result, bool allowZero)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        var name = ((OptionResult)result.Parent!).Option.Name;
        if (!DurationParser.TryParse(text, out var duration))
        {
            result.AddError($"{name} '{text}' is not a duration: {DurationParser.Hint}.");
        }
        else if (duration == TimeSpan.Zero && !allowZero)
        {
            result.AddError($"{name} must be longer than zero (leave it out to run until Ctrl+C).");
        }

        return duration;
    }

    private static IReadOnlyList<Simulation.FaultKind> ParseFaults(ArgumentResult result)
    {
        var text = string.Join(',', result.Tokens.Select(t => t.Value));
        if (!Simulation.FaultKinds.TryParse(text, out var kinds, out var problem))
        {
            result.AddError($"--faults: {problem}.");
        }

        return kinds;
    }

    private static void Positive(OptionResult result, int? value)
    {
        if (value is <= 0)
        {
            result.AddError($"{result.Option.Name} must be at least 1 (got {value.Value.ToString(CultureInfo.InvariantCulture)}).");
        }
    }
}
