using System.Net;
using System.Net.Sockets;

namespace MultipartAbort.Testing;

/// <summary>Free TCP ports on loopback, for the processes a test starts (moto_server, the published HTTP host).</summary>
public static class LoopbackPort
{
    /// <summary>A port the system just handed out and released; free unless another process takes it first.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
