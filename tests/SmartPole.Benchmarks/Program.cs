using System.CommandLine;
using System.Diagnostics;
using SmartPole.Benchmarks;

IScenario[] scenarios =
[
    new BrokerScenario(),
    new HostileScenario(),
    new WriterScenario(),
    new ActorsScenario(),
    new IngestScenario(),
    new ColdStartScenario(),
    new SteadyCityScenario(),
    new LivePathScenario(),
    new SimulatorScenario(),
    new DashboardScenario(),
    new TenancyScenario(),
];
var names = scenarios.Select(s => s.Name).ToArray();

var scenarioArgument = new Argument<string>("scenario")
{
    Description = $"all, or one of: {string.Join(", ", names)}",
    DefaultValueFactory = _ => "all",
};
scenarioArgument.AcceptOnlyFromAmong(["all", .. names]);
var runsOption = new Option<int>("--runs") { Description = "runs per figure (the figure is their median; at least 3 for a reportable figure)", DefaultValueFactory = _ => 3 };
var secondsOption = new Option<double>("--seconds") { Description = "run window in seconds (the broker scenario splits it over its cases)", DefaultValueFactory = _ => 10 };
var outOption = new Option<string>("--out") { Description = "folder for report.md and report.json", DefaultValueFactory = _ => Path.Combine(SmartPole.Testing.RepoPaths.Root, "artifacts", "benchmarks") };

var root = new RootCommand("SmartPole benchmarks: starts the real processes on loopback, runs each scenario, writes a Markdown table and a JSON file.")
{
    scenarioArgument, runsOption, secondsOption, outOption,
};
root.SetAction(async (parse, ct) =>
{
    var settings = new BenchmarkSettings(parse.GetValue(runsOption), parse.GetValue(secondsOption), parse.GetValue(outOption)!);
    if (settings.Runs < 1 || settings.Seconds <= 0)
    {
        Console.Error.WriteLine("--runs must be ≥ 1 and --seconds > 0");
        return 1;
    }

    var chosen = parse.GetValue(scenarioArgument) is "all" or null ? scenarios : scenarios.Where(s => s.Name == parse.GetValue(scenarioArgument)).ToArray();
    var machine = MachineInfo.Capture(TimeProvider.System);
    Console.WriteLine($"{machine.CpuModel}, {machine.Cores} cores, load average {machine.LoadAverage1:0.00}; {settings.Runs} runs × {settings.Seconds} s");
    var report = new Report(machine, settings);
    var clock = Stopwatch.StartNew();
    var failed = false;
    foreach (var scenario in chosen)
    {
        try
        {
            await scenario.RunAsync(settings, report, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One broken scenario must not hide the figures of the others: it is reported and the run goes on.
            failed = true;
            report.Note(scenario.Name, $"FAILED: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            Console.Error.WriteLine(e);
        }
    }

    var path = await report.WriteAsync(Path.GetFullPath(settings.OutputDirectory), clock.Elapsed, chosen.Select(s => s.Name).ToArray());
    Console.WriteLine();
    Console.WriteLine(await File.ReadAllTextAsync(path, ct));
    Console.WriteLine($"written: {path} (and report.json beside it)");
    return failed ? 2 : 0;
});

var portOption = new Option<int>("--port") { Description = "TCP port (0 = any free port)", DefaultValueFactory = _ => 0 };
var brokerHost = new Command("broker-host", "internal: our broker alone in this process, for the broker scenario") { portOption };
brokerHost.Hidden = true;
brokerHost.SetAction(async (parse, _) => await BrokerHost.RunAsync(parse.GetValue(portOption)));
root.Subcommands.Add(brokerHost);

return await root.Parse(args).InvokeAsync();
