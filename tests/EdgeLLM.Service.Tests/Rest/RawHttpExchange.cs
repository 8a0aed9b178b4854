using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace EdgeLLM.Service.Tests.Rest;

/// <summary>
/// One exchange on a raw TCP socket: send exactly the bytes given (a request cut short, say), then read until the
/// server closes the connection. What HttpClient cannot do: stop in the middle of the headers or of the body.
/// </summary>
internal sealed record RawHttpExchange(int Status, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan Elapsed)
{
    public static async Task<RawHttpExchange> RunAsync(Uri server, string sent, TimeSpan limit)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(sent));
        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(limit);
        await stream.CopyToAsync(received, timeout.Token);
        var elapsed = clock.Elapsed;
        var text = Encoding.UTF8.GetString(received.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no complete response head before the server closed: '{text}'");
        var lines = text[..end].Split("\r\n");
        var headers = lines[1..].Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te == "chunked")
        {
            body = Dechunk(body);
        }
        return new RawHttpExchange(int.Parse(lines[0].Split(' ')[1]), headers, body, elapsed);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd], 16);
            if (size == 0)
            {
                return body.ToString();
            }
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
