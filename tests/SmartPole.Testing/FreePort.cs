using System.Net;
using System.Net.Sockets;

namespace SmartPole.Testing;

/// <summary>Hands out loopback TCP ports that are free at the moment of asking.</summary>
public static class FreePort
{
    /// <summary>Returns a port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
