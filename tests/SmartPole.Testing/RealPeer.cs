namespace SmartPole.Testing;

/// <summary>
/// Finds the real programs integration tests talk to. A missing peer fails the test with the
/// command that installs it; it never skips.
/// </summary>
public static class RealPeer
{
    /// <summary>Debian's Mosquitto broker.</summary>
    public static string Mosquitto => Require("mosquitto", "apt-get install -y mosquitto", "/usr/sbin/mosquitto");

    /// <summary>mosquitto_pub from mosquitto-clients.</summary>
    public static string MosquittoPub => Require("mosquitto_pub", "apt-get install -y mosquitto-clients");

    /// <summary>mosquitto_sub from mosquitto-clients.</summary>
    public static string MosquittoSub => Require("mosquitto_sub", "apt-get install -y mosquitto-clients");

    /// <summary>Debian's InfluxDB 1.x server.</summary>
    public static string Influxd => Require("influxd", "apt-get install -y influxdb", "/usr/bin/influxd");

    /// <summary>Debian's Chromium.</summary>
    public static string Chromium => Require("chromium", "apt-get install -y chromium fonts-noto-cjk", "/usr/bin/chromium");

    /// <summary>Node.js 20+.</summary>
    public static string Node => Require("node", "install Node.js 20+ (apt-get install -y nodejs)");

    /// <summary>
    /// The node_modules folder of tests/node (MQTT.js, @microsoft/signalr), installed from the
    /// committed lock file by tests/run.sh.
    /// </summary>
    public static string NodeModules
    {
        get
        {
            var dir = Path.Combine(RepoPaths.Root, "tests", "node", "node_modules");
            if (!Directory.Exists(Path.Combine(dir, "mqtt")) || !Directory.Exists(Path.Combine(dir, "@microsoft", "signalr")))
            {
                throw new InvalidOperationException(
                    $"The test's node packages are missing in {dir}. Install them with: (cd tests/node && npm ci) — tests/run.sh does this.");
            }

            return dir;
        }
    }

    /// <summary>Finds <paramref name="program"/> on PATH (or at a known path), or throws with the install hint.</summary>
    public static string Require(string program, string installHint, params string[] knownPaths)
    {
        foreach (var known in knownPaths)
        {
            if (File.Exists(known))
            {
                return known;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/sbin"))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"This test needs the real '{program}', which is not installed. Install it with: {installHint} (tests/run.sh installs every peer).");
    }
}
