using System.Net;
using System.Net.Sockets;

namespace VnQuantum.Kms.Tests;

/// <summary>A TCP port free on loopback right now (KMEs that must know each other's port before they start).</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
