// latency-proxy --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT --delay-ms 20
// The tests' loopback S3 proxy with a fixed latency: each HTTP request is held delay-ms before it is forwarded,
// as against a store one in-region round trip away. Runs until it is stopped (SIGTERM or Ctrl+C).
using System.Globalization;
using System.Net;
using MultipartAbort.Testing.Proxy;

var listen = IPEndPoint.Parse(Arg("--listen", "127.0.0.1:0"));
var upstream = new Uri("http://" + Arg("--upstream", "127.0.0.1:5000"));
var delay = TimeSpan.FromMilliseconds(double.Parse(Arg("--delay-ms", "20"), CultureInfo.InvariantCulture));

await using var proxy = await LoopbackS3Proxy.StartAsync(upstream, listen, new FixedLatency(delay));
Console.WriteLine($"listening on {proxy.Endpoint} -> {upstream}, +{delay.TotalMilliseconds} ms per request");
Console.Out.Flush();

var stopped = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
await stopped.Task;

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
