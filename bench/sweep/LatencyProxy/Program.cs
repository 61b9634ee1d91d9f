// latency-proxy --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT --delay-ms 20 [--max-in-flight K]
// Forwards TCP connections; every chunk a client sends is delivered upstream delay-ms after it arrived (in
// order), answers come back at once. HTTP/1.1 clients send one request at a time per connection, so each
// request gains delay-ms, as against a store one in-region round trip away. No HTTP parsing: little CPU.
// --max-in-flight K: a store's request-rate limit. moto answers every request with Connection: close, so a
// connection is one request: a connection that arrives while K are being served gets 503 SlowDown (after its
// request is read, so the client sees the answer, not a reset). Each refusal prints "refused N" (running total).
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

var listen = IPEndPoint.Parse(Arg("--listen", "127.0.0.1:0"));
var upstream = IPEndPoint.Parse(Arg("--upstream", "127.0.0.1:5000"));
var delay = TimeSpan.FromMilliseconds(double.Parse(Arg("--delay-ms", "20"), System.Globalization.CultureInfo.InvariantCulture));
var maxInFlight = int.Parse(Arg("--max-in-flight", "0"), System.Globalization.CultureInfo.InvariantCulture);
var inFlight = 0;
var refused = 0;
const string SlowDownBody = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
var slowDown = System.Text.Encoding.ASCII.GetBytes(
    $"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: {SlowDownBody.Length}\r\n\r\n{SlowDownBody}");

var listener = new TcpListener(listen);
listener.Start(1024);
Console.WriteLine($"listening on {listener.LocalEndpoint} -> {upstream}, +{delay.TotalMilliseconds} ms per request");
Console.Out.Flush();
while (true)
{
    var client = await listener.AcceptTcpClientAsync();
    _ = Task.Run(() => ServeAsync(client));
}

async Task ServeAsync(TcpClient client)
{
    using var _ = client;
    using var server = new TcpClient { NoDelay = true };
    client.NoDelay = true;
    var admitted = Interlocked.Increment(ref inFlight);
    try
    {
        if (maxInFlight > 0 && admitted > maxInFlight)
        {
            await RefuseAsync(client);
            return;
        }
        await server.ConnectAsync(upstream);
        var up = DelayedCopyAsync(client.GetStream(), server.GetStream());
        var down = client.GetStream() is var c ? server.GetStream().CopyToAsync(c) : Task.CompletedTask;
        await Task.WhenAny(up, down);
    }
    catch (IOException) { }
    catch (SocketException) { }
    finally
    {
        Interlocked.Decrement(ref inFlight);
    }
}

async Task RefuseAsync(TcpClient client)
{
    var stream = client.GetStream();
    var buffer = new byte[16 * 1024];
    // The request's first bytes are enough: the answer is the same whatever was asked, and moto never sees it.
    if (await stream.ReadAsync(buffer) == 0)
        return;
    await Task.Delay(delay);
    await stream.WriteAsync(slowDown);
    client.Client.Shutdown(SocketShutdown.Send);
    Console.WriteLine($"refused {Interlocked.Increment(ref refused)}");
}

async Task DelayedCopyAsync(Stream from, Stream to)
{
    var chunks = Channel.CreateUnbounded<(byte[] Buffer, int Count, long Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    var writer = Task.Run(async () =>
    {
        await foreach (var (buffer, count, due) in chunks.Reader.ReadAllAsync())
        {
            var wait = TimeSpan.FromTicks(due - Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            await to.WriteAsync(buffer.AsMemory(0, count));
            ArrayPool<byte>.Shared.Return(buffer);
        }
        to.Close();
    });
    try
    {
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            var n = await from.ReadAsync(buffer);
            if (n == 0)
                break;
            chunks.Writer.TryWrite((buffer, n, Environment.TickCount64 * TimeSpan.TicksPerMillisecond + delay.Ticks));
        }
    }
    finally
    {
        chunks.Writer.TryComplete();
    }
    await writer;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
