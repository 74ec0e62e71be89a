using System.CommandLine;
using SmartPole.Simulator;

namespace SmartPole.Simulator.Tests;

public sealed class SimulatorCommandTests
{
    [Fact]
    public void Defaults_follow_the_architecture_contract()
    {
        var result = SimulatorCommand.Create().Parse([]);

        Assert.Empty(result.Errors);
        Assert.Equal(new Uri("mqtt://localhost:1883"), result.GetValue<Uri>("--broker"));
        Assert.Equal(TimeSpan.FromSeconds(10), result.GetValue<TimeSpan>("--interval"));
        Assert.Null(result.GetValue<TimeSpan?>("--duration"));
        Assert.Equal(0, result.GetValue<int>("--qos"));
        Assert.Equal(1, result.GetValue<int>("--poles-per-connection"));
        Assert.Null(result.GetValue<string?>("--city"));
    }

    [Fact]
    public void Every_contract_flag_parses()
    {
        var result = SimulatorCommand.Create().Parse([
            "--broker", "mqtt://10.1.2.3:1884", "--city", "wuhan", "--poles", "500", "--interval", "500ms", "--duration", "1m",
            "--qos", "1", "--seed", "7", "--username", "gw", "--password", "pw", "--poles-per-connection", "50", "--rate", "2000",
            "--summary", "out/summary.json", "--clock-speed", "60", "--manifest", "city.json",
        ]);

        Assert.Empty(result.Errors);
        Assert.Equal(new Uri("mqtt://10.1.2.3:1884"), result.GetValue<Uri>("--broker"));
        Assert.Equal(500, result.GetValue<int?>("--poles"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.GetValue<TimeSpan>("--interval"));
        Assert.Equal(TimeSpan.FromMinutes(1), result.GetValue<TimeSpan?>("--duration"));
        Assert.Equal(2000, result.GetValue<double?>("--rate"));
        Assert.Equal(60, result.GetValue<double>("--clock-speed"));
        Assert.Equal("summary.json", result.GetValue<FileInfo?>("--summary")!.Name);
    }

    [Fact]
    public void Fault_and_ack_flags_parse_with_groups_and_any_case()
    {
        var result = SimulatorCommand.Create().Parse([
            "--faults", "all,BadJson", "--fault-rate", "0.5", "--fault-duration", "5m", "--ack-failure-rate", "0.05", "--ack-latency", "800ms",
        ]);

        Assert.Empty(result.Errors);
        Assert.Equal([.. Simulation.FaultKinds.Field, Simulation.FaultKind.BadJson], result.GetValue<IReadOnlyList<Simulation.FaultKind>>("--faults"));
        Assert.Equal(0.5, result.GetValue<double>("--fault-rate"));
        Assert.Equal(TimeSpan.FromMinutes(5), result.GetValue<TimeSpan>("--fault-duration"));
        Assert.Equal(0.05, result.GetValue<double>("--ack-failure-rate"));
        Assert.Equal(TimeSpan.FromMilliseconds(800), result.GetValue<TimeSpan>("--ack-latency"));
    }

    [Fact]
    public void Without_faults_no_fault_is_drawn_and_malformed_payloads_are_never_part_of_all()
    {
        var result = SimulatorCommand.Create().Parse([]);

        Assert.Empty(result.GetValue<IReadOnlyList<Simulation.FaultKind>>("--faults")!);
        Assert.DoesNotContain(Simulation.FaultKind.BadJson, Simulation.FaultKinds.Field);
        Assert.True(Simulation.FaultKinds.TryParse("malformed", out var malformed, out _));
        Assert.Equal([Simulation.FaultKind.BadJson, Simulation.FaultKind.UnknownKind, Simulation.FaultKind.WrongType], malformed);
    }

    [Theory]
    [InlineData("--faults", "lampFailure,meteorStrike", "'meteorStrike' is not a fault")]
    [InlineData("--fault-rate", "-1", "--fault-rate must be 0 or more")]
    [InlineData("--fault-duration", "0", "--fault-duration must be longer than zero")]
    [InlineData("--ack-failure-rate", "1.5", "--ack-failure-rate is a probability")]
    [InlineData("--ack-latency", "soon", "--ack-latency 'soon' is not a duration")]
    [InlineData("--interval", "10x", "--interval '10x' is not a duration")]
    [InlineData("--duration", "0s", "--duration must be longer than zero")]
    [InlineData("--qos", "2", "--qos must be 0")]
    [InlineData("--poles", "0", "--poles must be at least 1")]
    [InlineData("--poles-per-connection", "-3", "--poles-per-connection must be at least 1")]
    [InlineData("--broker", "http://example.com", "is not a broker address")]
    [InlineData("--rate", "0", "--rate must be a positive number")]
    [InlineData("--clock-speed", "0", "--clock-speed must be positive")]
    [InlineData("--city", "Shen Zhen", "is not a city id")]
    public async Task A_bad_value_gives_a_clear_error_and_a_non_zero_exit(string flag, string value, string message)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = await SimulatorCommand.Create().Parse([flag, value]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_explains_the_flags_and_exit_codes()
    {
        var output = new StringWriter();

        var exitCode = await SimulatorCommand.Create().Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exitCode);
        var help = output.ToString();
        foreach (var flag in new[] { "--broker", "--city", "--poles", "--interval", "--duration", "--qos", "--seed", "--manifest", "--username", "--password", "--poles-per-connection", "--rate", "--summary", "--clock-speed", "--faults", "--fault-rate", "--fault-duration", "--ack-failure-rate", "--ack-latency" })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }

        Assert.Contains("2 could not connect", help, StringComparison.Ordinal);
        Assert.Contains("'malformed' = these three", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_manifest_is_a_bad_argument()
    {
        var error = new StringWriter();

        var exitCode = await SimulatorCommand.Create().Parse(["--manifest", "/nonexistent/city.json"]).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(1, exitCode);
        Assert.Contains("city.json", error.ToString(), StringComparison.Ordinal);
    }
}
