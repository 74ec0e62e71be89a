using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SmartPole.Mqtt;
using SmartPole.Server.Ingest;

namespace SmartPole.Server.Hosting;

/// <summary>
/// Turns the failures a newcomer meets at startup (a port taken by a system Mosquitto or another
/// server) into one clear line naming the setting to change, instead of a stack trace.
/// </summary>
internal static class StartupGuard
{
    /// <summary>Runs the app; returns the process exit code.</summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (MqttBrokerStartException e)
        {
            await Console.Error.WriteLineAsync($"SmartPole could not start: {e.Message}");
            return 2;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync(
                $"SmartPole could not start: the HTTP address is already in use ({e.Message}). Set --urls (or ASPNETCORE_URLS) to another address, e.g. --urls http://localhost:5081");
            return 2;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"SmartPole could not start: invalid configuration: {string.Join("; ", e.Failures)}");
            return 2;
        }
    }

    /// <summary>Prints where the dashboard and the broker are once the host has started.</summary>
    public static void AnnounceAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var mqtt = app.Services.GetRequiredService<MqttEdgeService>().EndPoint;
            var bridge = app.Services.GetRequiredService<MqttBridgeService>();
            foreach (var address in addresses)
            {
                Console.WriteLine($"SmartPole dashboard: {address.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)}/");
            }

            Console.WriteLine(mqtt is null ? "SmartPole MQTT: embedded broker disabled" : $"SmartPole MQTT: mqtt://localhost:{mqtt.Port}");
            if (bridge.Broker is { } broker)
            {
                Console.WriteLine($"SmartPole MQTT bridge: {broker} (Mqtt:ExternalBroker)");
            }
        });
    }
}
