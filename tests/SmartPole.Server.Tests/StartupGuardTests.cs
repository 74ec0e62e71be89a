using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

public sealed class StartupGuardTests
{
    [Fact]
    public async Task A_taken_mqtt_port_stops_startup_at_once_naming_the_setting()
    {
        using var squatter = new TcpListener(IPAddress.Any, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var data = new TempDirectory();

        await using var server = StartServer(data.Path, $"--Mqtt:Port={port}", "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exit);
        Assert.Contains(server.Lines, l => l.Contains("Mqtt:Port", StringComparison.Ordinal) && l.Contains(port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_taken_http_port_stops_startup_naming_the_urls_setting()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        using var data = new TempDirectory();

        await using var server = StartServer(data.Path, "--Mqtt:Port=0", "--urls", $"http://127.0.0.1:{port}");
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exit);
        Assert.Contains(server.Lines, l => l.Contains("--urls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_configuration_stops_startup_with_the_reason()
    {
        using var data = new TempDirectory();

        await using var server = StartServer(data.Path, "--Mqtt:Port=0", "--urls", $"http://127.0.0.1:{FreePort.Next()}", "--LiveFeed:FlushInterval=00:00:05");
        var exit = await server.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, exit);
        Assert.Contains(server.Lines, l => l.Contains("LiveFeed:FlushInterval", StringComparison.Ordinal));
    }

    private static ManagedProcess StartServer(string dataDirectory, params string[] settings) =>
        ManagedProcess.Start("dotnet", [RepoPaths.BuiltDll("src", "SmartPole.Server"), "--Demo:Enabled=false", $"--Storage:DataDirectory={dataDirectory}", .. settings], dataDirectory);
}
