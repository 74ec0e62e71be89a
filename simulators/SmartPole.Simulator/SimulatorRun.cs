using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SmartPole.Domain.Cities;
using SmartPole.Mqtt;
using SmartPole.Simulation;

namespace SmartPole.Simulator;

/// <summary>One simulator run: picks the city, runs the fleet with a live status line, writes the summary, chooses the exit code.</summary>
internal static class SimulatorRun
{
    // The live line is rewritten in place; padding wipes what a longer previous line left behind.
    private const int StatusWidth = 240;

    public static async Task<int> ExecuteAsync(SimulatorCommand command, ParseResult result, CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        var seed = result.GetValue(command.Seed);
        CityInfo city;
        IReadOnlyDictionary<string, FleetCredential> credentials;
        try
        {
            (city, credentials) = ChooseCity(result.GetValue(command.Manifest), result.GetValue(command.City), result.GetValue(command.Poles), seed);
        }
        catch (Exception e) when (e is FormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return ExitCodes.BadArguments;
        }

        var qos = (MqttQualityOfService)result.GetValue(command.Qos);
        var options = new FleetOptions
        {
            Broker = result.GetValue(command.Broker)!,
            Interval = result.GetValue(command.Interval),
            Duration = result.GetValue(command.Duration),
            Qos = qos,
            Seed = seed,
            PolesPerConnection = result.GetValue(command.PolesPerConnection),
            Rate = result.GetValue(command.Rate),
            Username = result.GetValue(command.Username),
            Password = result.GetValue(command.Password),
            Credentials = credentials,
            ClockSpeed = result.GetValue(command.ClockSpeed),
            Faults = result.GetValue(command.Faults) ?? [],
            FaultRate = result.GetValue(command.FaultRate),
            FaultDuration = result.GetValue(command.FaultDuration),
            AckFailureRate = result.GetValue(command.AckFailureRate),
            AckLatency = result.GetValue(command.AckLatency),
        };

        var verbose = result.GetValue(command.Verbose);
        using var logging = LoggerFactory.Create(builder => builder
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter("SmartPole.Mqtt", verbose ? LogLevel.Debug : LogLevel.Error)
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning));
        var runner = new FleetRunner(city, options, logging);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"SmartPole simulator: {city.Poles.Count} poles of {city.NameEn} ({city.Id}) on {runner.ConnectionCount} connections to {options.Broker}, a frame every {Format(options.Interval)} at QoS {(int)qos}, {(options.Duration is { } d ? "for " + Format(d) : "until Ctrl+C")}.")).ConfigureAwait(false);

        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        using var statusStop = new CancellationTokenSource();
        var status = ShowStatusAsync(runner, output, interactive, statusStop.Token);
        var summary = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        await statusStop.CancelAsync().ConfigureAwait(false);
        await status.ConfigureAwait(false);

        await output.WriteLineAsync(interactive ? "\r" + Describe(summary, runner.ConnectionCount, "Done").PadRight(StatusWidth) : Describe(summary, runner.ConnectionCount, "Done")).ConfigureAwait(false);
        if (result.GetValue(command.Summary) is { } summaryFile)
        {
            summaryFile.Directory?.Create();
            await File.WriteAllTextAsync(summaryFile.FullName, summary.ToJson(), CancellationToken.None).ConfigureAwait(false);
        }

        if (summary.ConnectFailures > 0)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Could not connect to {options.Broker}: {summary.ConnectFailures} of {runner.ConnectionCount} connections failed. Check the broker address and that it is running, and the credentials.")).ConfigureAwait(false);
            return ExitCodes.CouldNotConnect;
        }

        if (qos == MqttQualityOfService.AtLeastOnce && summary.FramesAcked != summary.FramesSent)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Acks lost: {summary.FramesSent} frames sent at QoS 1 but only {summary.FramesAcked} acknowledged.")).ConfigureAwait(false);
            return ExitCodes.AcksLost;
        }

        return ExitCodes.Success;
    }

    /// <summary>The poles to run: the manifest's, the demo city's (topped up with generated poles), or a generated city.</summary>
    internal static (CityInfo City, IReadOnlyDictionary<string, FleetCredential> Credentials) ChooseCity(FileInfo? manifestFile, string? cityId, int? poles, int seed)
    {
        IReadOnlyDictionary<string, FleetCredential> credentials = new Dictionary<string, FleetCredential>();
        CityInfo city;
        if (manifestFile is not null)
        {
            var manifest = CityManifest.Load(manifestFile.FullName);
            if (cityId is not null && cityId != manifest.City.Id)
            {
                throw new ArgumentException($"--city {cityId} does not match the manifest's city '{manifest.City.Id}'; leave --city out.");
            }

            city = manifest.City;
            credentials = manifest.Credentials;
        }
        else if ((cityId ?? DemoCity.Shenzhen.Id) == DemoCity.Shenzhen.Id)
        {
            city = DemoCity.Shenzhen;
            if (poles > city.Poles.Count)
            {
                var extra = GeneratedCity.Create(city.Id, poles.Value - city.Poles.Count, seed, city.TimeZone);
                city = city with { Poles = [.. city.Poles, .. extra.Poles] };
            }
        }
        else
        {
            city = GeneratedCity.Create(cityId!, poles ?? 300, seed);
        }

        if (poles < city.Poles.Count)
        {
            city = city with { Poles = [.. city.Poles.Take(poles.Value)] };
        }

        return (city, credentials);
    }

    private static async Task ShowStatusAsync(FleetRunner runner, TextWriter output, bool interactive, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interactive ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var line = Describe(runner.Snapshot(), runner.ConnectionCount, "Running");
                await (interactive ? output.WriteAsync("\r" + line.PadRight(StatusWidth)) : output.WriteLineAsync(line)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Describe(FleetSummary s, int connections, string state) => string.Create(CultureInfo.InvariantCulture,
        $"{state} {s.ElapsedSeconds,7:0.0}s · connections {s.Connections}/{connections} · frames {s.FramesSent:N0} sent, {s.FramesAcked:N0} acked · {s.FramesPerSecond:0.0}/s · {s.Lines:N0} lines, {s.DataPoints:N0} data points · commands {s.CommandsAcked:N0} ({s.CommandsFailed:N0} failed) · faults {s.Faults:N0}, events {s.Events:N0}, malformed {s.BadJsonSent + s.UnknownKindSent + s.WrongTypeSent:N0} · reconnects {s.Reconnects:N0} · errors {s.Errors:N0}");

    private static string Format(TimeSpan span) => span.TotalMilliseconds switch
    {
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0}ms"),
        < 60_000 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s"),
        _ => span.ToString("c", CultureInfo.InvariantCulture),
    };
}
