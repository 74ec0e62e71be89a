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

    [Theory]
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
        foreach (var flag in new[] { "--broker", "--city", "--poles", "--interval", "--duration", "--qos", "--seed", "--manifest", "--username", "--password", "--poles-per-connection", "--rate", "--summary", "--clock-speed" })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }

        Assert.Contains("2 could not connect", help, StringComparison.Ordinal);
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
