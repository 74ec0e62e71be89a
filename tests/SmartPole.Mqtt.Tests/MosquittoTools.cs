using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>Runs Debian's mosquitto_pub / mosquitto_sub against a broker on 127.0.0.1.</summary>
internal static class MosquittoTools
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Starts mosquitto_sub (debug output on) and returns once its SUBACK arrived.</summary>
    public static async Task<ManagedProcess> SubscribeAsync(int port, params string[] arguments)
    {
        // stdbuf: mosquitto_sub block-buffers stdout into a pipe, and the test needs each line as it is written.
        var stdbuf = RealPeer.Require("stdbuf", "apt-get install -y coreutils", "/usr/bin/stdbuf");
        var process = ManagedProcess.Start(stdbuf, ["-oL", RealPeer.MosquittoSub, "-h", "127.0.0.1", "-p", $"{port}", "-d", .. arguments]);
        try
        {
            await process.WaitForLineAsync(IsSubAck, Timeout);
        }
        catch (TimeoutException) when (process.Exited.IsCompleted)
        {
            // With -C it may already be done (a retained message right after SUBACK): its exit is reported
            // before its last lines are read, and waiting for the exit drains them.
            await process.WaitForExitAsync(Timeout);
            if (!process.Lines.Any(IsSubAck))
            {
                await process.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return process;
    }

    private static bool IsSubAck(string line) => line.Contains("received SUBACK", StringComparison.Ordinal);

    /// <summary>Runs mosquitto_sub with -E (subscribe, then DISCONNECT) to completion and checks it succeeded.</summary>
    public static async Task SubscribeAndLeaveAsync(int port, params string[] arguments)
    {
        await using var process = ManagedProcess.Start(RealPeer.MosquittoSub, ["-h", "127.0.0.1", "-p", $"{port}", "-E", .. arguments]);
        var code = await process.WaitForExitAsync(Timeout);
        Assert.True(code == 0, $"mosquitto_sub -E exited with {code}:\n{process.Output}");
    }

    /// <summary>Runs mosquitto_pub to completion and checks it succeeded.</summary>
    public static async Task PublishAsync(int port, params string[] arguments)
    {
        await using var process = ManagedProcess.Start(RealPeer.MosquittoPub, ["-h", "127.0.0.1", "-p", $"{port}", .. arguments]);
        var code = await process.WaitForExitAsync(Timeout);
        Assert.True(code == 0, $"mosquitto_pub exited with {code}:\n{process.Output}");
    }

    /// <summary>The "topic payload" lines mosquitto_sub -v printed (debug lines left out).</summary>
    public static List<string> Messages(ManagedProcess process) =>
        process.Lines.Where(l => !l.StartsWith("Client ", StringComparison.Ordinal) && !l.StartsWith("Subscribed (mid", StringComparison.Ordinal)).ToList();
}
