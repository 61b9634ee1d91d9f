// latency-proxy --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT --delay-ms 20
// Forwards TCP connections; every chunk a client sends is delivered upstream delay-ms after it arrived (in
// order), answers come back at once. HTTP/1.1 clients send one request at a time per connection, so each
// request gains delay-ms, as against a store one in-region round trip away. No HTTP parsing: little CPU.
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

var listen = IPEndPoint.Parse(Arg("--listen", "127.0.0.1:0"));
var upstream = IPEndPoint.Parse(Arg("--upstream", "127.0.0.1:5000"));
var delay = TimeSpan.FromMilliseconds(double.Parse(Arg("--delay-ms", "20"), System.Globalization.CultureInfo.InvariantCulture));

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
    try
    {
        await server.ConnectAsync(upstream);
        var up = DelayedCopyAsync(client.GetStream(), server.GetStream());
        var down = client.GetStream() is var c ? server.GetStream().CopyToAsync(c) : Task.CompletedTask;
        await Task.WhenAny(up, down);
    }
    catch (IOException) { }
    catch (SocketException) { }
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
