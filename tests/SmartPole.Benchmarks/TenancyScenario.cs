using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SmartPole.Mqtt;
using SmartPole.Registry;
using SmartPole.Registry.Import;
using SmartPole.Testing;

namespace SmartPole.Benchmarks;

/// <summary>
/// The tenants' registry: the time and peak memory to import 100,000 poles with their devices from a
/// CSV file into a fresh SQLite registry (and to import the same file again, a no-op), and MQTT logins
/// per second through our broker whose authenticate hook checks each password against the registry
/// (PBKDF2 at the shipped <c>Registry:CredentialHashIterations</c> on a first login, the remembered
/// SHA-256 on a reconnect).
/// </summary>
internal sealed class TenancyScenario : IScenario
{
    private const string Scenario = "tenancy";
    private const string City = "bench";
    private const int ImportPoles = 100_000;
    private const int DevicesPerPole = 3;
    private const int LoginClients = 2_000;
    private const int ConcurrentLogins = 32;

    public string Name => Scenario;

    public async Task RunAsync(BenchmarkSettings settings, Report report, CancellationToken ct)
    {
        var options = new RegistryOptions { MaxImportBytes = 100L * 1024 * 1024 };
        using var folder = new TempDirectory("bench-tenancy");
        var csv = Path.Combine(folder.Path, "poles.csv");
        var bytes = await WriteCsvAsync(csv, ct);
        var importConditions = string.Create(CultureInfo.InvariantCulture,
            $"{ImportPoles:N0} poles × {DevicesPerPole} devices ({ImportPoles * DevicesPerPole:N0} CSV rows, {bytes / 1e6:0.0} MB) streamed from a file into a fresh SQLite registry, in this process; peak = VmHWM after resetting it before the import");
        for (var run = 1; run <= settings.Runs; run++)
        {
            Console.WriteLine($"tenancy: run {run}/{settings.Runs}");
            using var data = new TempDirectory("bench-registry");
            await using var store = await RegistryStore.OpenSqliteAsync(data.Path, options, TimeProvider.System, cancellationToken: ct);
            await store.CreateCityAsync(new CityRecord(City, "基准", "Bench", "Asia/Shanghai", new CityBounds(22.0, 113.0, 23.0, 115.0), CitySettings.Default), "bench", ct);

            var (seconds, peak, created) = await ImportAsync(store, csv, ct);
            if (created != ImportPoles)
            {
                throw new InvalidOperationException($"import created {created} poles, expected {ImportPoles}");
            }

            report.Record(Scenario, "import 100k poles (CSV)", "RegistryStore.ImportAsync, first import", "time", "s", seconds, importConditions);
            report.Record(Scenario, "import 100k poles (CSV)", "RegistryStore.ImportAsync, first import", "peak resident memory", "MB", peak / 1e6, importConditions);
            var (again, _, _) = await ImportAsync(store, csv, ct);
            report.Record(Scenario, "import 100k poles (CSV)", "RegistryStore.ImportAsync, same file again (no-op)", "time", "s", again, importConditions);

            var loginConditions = string.Create(CultureInfo.InvariantCulture,
                $"{LoginClients:N0} pole credentials (PBKDF2-SHA256, {options.CredentialHashIterations:N0} iterations), {ConcurrentLogins} connects at a time over loopback TCP, each CONNECT → CONNACK → DISCONNECT; hook = RegistryStore.AuthenticateMqttAsync");
            var poles = Enumerable.Range(0, LoginClients).Select(i => string.Create(CultureInfo.InvariantCulture, $"p-{i:D6}")).ToList();
            var credentials = (await store.IssuePoleCredentialsAsync(City, poles, rotate: false, "bench", ct)).ToList();
            await using var broker = new MqttBroker(new MqttBrokerOptions { Host = "127.0.0.1", Port = 0 });
            broker.AuthenticateAsync = async context =>
                context.Username is not null && await store.AuthenticateMqttAsync(context.Username, context.Password) is not null
                    ? MqttConnectReasonCode.Success
                    : MqttConnectReasonCode.BadUserNameOrPassword;
            await broker.StartAsync(ct);
            var first = await LoginsPerSecondAsync(broker.LocalEndPoint, credentials, ct);
            var repeat = await LoginsPerSecondAsync(broker.LocalEndPoint, credentials, ct);
            report.Record(Scenario, "MQTT logins", "first login (PBKDF2 check)", "logins/s", "logins/s", first, loginConditions);
            report.Record(Scenario, "MQTT logins", "reconnect (remembered SHA-256)", "logins/s", "logins/s", repeat, loginConditions);
        }
    }

    private static async Task<long> WriteCsvAsync(string path, CancellationToken ct)
    {
        string[] kinds = ["lighting", "environment", "cabinet"];
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            await writer.WriteAsync("pole_id,name,lat,lon,address,district,device_id,kind,model,rated_power_w\r\n");
            for (var i = 0; i < ImportPoles; i++)
            {
                var lat = 22.1 + (i % 1000 * 0.0008);
                var lon = 113.1 + (i / 1000 * 0.018);
                for (var d = 0; d < DevicesPerPole; d++)
                {
                    var pole = d == 0
                        ? string.Create(CultureInfo.InvariantCulture, $"p-{i:D6},Pole {i},{lat:0.000000},{lon:0.000000},No. {i} Bench Road,d-{i % 50:D2}")
                        : string.Create(CultureInfo.InvariantCulture, $"p-{i:D6},,,,,");
                    await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{pole},{kinds[d]}-1,{kinds[d]},M-{d},{(d == 0 ? 120 : 10)}\r\n").AsMemory(), ct);
                }
            }
        }

        return new FileInfo(path).Length;
    }

    private static async Task<(double Seconds, long PeakBytes, int Created)> ImportAsync(RegistryStore store, string csv, CancellationToken ct)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeak();
        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(csv);
        var result = await store.ImportAsync(City, file, ImportFormat.Csv, "bench", ct);
        var seconds = clock.Elapsed.TotalSeconds;
        return (seconds, PeakResident(), result.Created);
    }

    private static async Task<double> LoginsPerSecondAsync(IPEndPoint broker, List<IssuedCredential> credentials, CancellationToken ct)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, ConcurrentLogins).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < credentials.Count)
            {
                await using var client = new MqttClient(new MqttClientOptions
                {
                    Host = "127.0.0.1",
                    Port = broker.Port,
                    ClientId = "bench-" + credentials[i].Subject,
                    Username = credentials[i].Username,
                    Password = credentials[i].Password,
                }, NullLogger.Instance);
                await client.ConnectAsync(ct);
                await client.DisconnectAsync(ct);
            }
        }));
        return credentials.Count / clock.Elapsed.TotalSeconds;
    }

    // Linux: writing 5 to clear_refs resets the peak resident set (VmHWM), so the next read is this step's peak.
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long PeakResident()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
