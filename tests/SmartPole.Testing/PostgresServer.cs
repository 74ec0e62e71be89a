using System.Globalization;

namespace SmartPole.Testing;

/// <summary>
/// A real Debian PostgreSQL (15) on a free loopback port with its own temporary cluster (trust
/// authentication, socket in the cluster folder). As root, initdb and postgres run as the
/// <c>postgres</c> user through runuser, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly TempDirectory _dir;
    private readonly ManagedProcess _process;

    private PostgresServer(TempDirectory dir, int port, ManagedProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the <c>postgres</c> user.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database=postgres;Pooling=true";

    /// <summary>Creates a cluster, starts postgres and waits until it accepts connections.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var initdb = RealPeer.Require("initdb", "apt-get install -y postgresql", Path.Combine(BinDirectory, "initdb"));
        var postgres = RealPeer.Require("postgres", "apt-get install -y postgresql", Path.Combine(BinDirectory, "postgres"));
        var dir = new TempDirectory("postgres");
        var cluster = Path.Combine(dir.Path, "cluster");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", dir.Path]);
        }

        await RunAsync(asRoot ? "runuser" : initdb, [.. asRoot ? ["-u", "postgres", "--", initdb] : Array.Empty<string>(), "-D", cluster, "-A", "trust", "-U", "postgres", "--no-sync"]);
        var port = FreePort.Next();
        string[] serve = ["-D", cluster, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", cluster, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"];
        var process = ManagedProcess.Start(asRoot ? "runuser" : postgres, [.. asRoot ? ["-u", "postgres", "--", postgres] : Array.Empty<string>(), .. serve]);
        var server = new PostgresServer(dir, port, process);
        try
        {
            await process.WaitForLineAsync(l => l.Contains("ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }

    private static async Task RunAsync(string fileName, IEnumerable<string> arguments)
    {
        await using var process = ManagedProcess.Start(fileName, arguments);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        if (exit != 0)
        {
            throw new InvalidOperationException($"{fileName} exited with {exit}:\n{process.Output}");
        }
    }
}
