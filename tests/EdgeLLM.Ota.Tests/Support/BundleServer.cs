using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Tests.Support;

/// <summary>
/// A real HTTP server (Kestrel on loopback) serving bundles under <c>/bundles/{name}</c> with single-range
/// requests, strong ETags and If-Range, and injectable faults: 500 answers, connections cut after N bytes,
/// a throttled rate, ignoring Range, and a changing ETag.
/// </summary>
internal sealed class BundleServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ServedRequest> _requests = new();
    private readonly WebApplication _app;

    private BundleServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The next requests answered 500 (counts down).</summary>
    public int FailNextRequests;

    /// <summary>Bytes of body after which each of the next responses is cut (one entry per response, consumed in order).</summary>
    public ConcurrentQueue<long> CutAfterBytes { get; } = new();

    /// <summary>Body bytes per second (0: unthrottled).</summary>
    public long BytesPerSecond { get; set; }

    /// <summary>Pause after the headers, before any body byte (a stalled server).</summary>
    public TimeSpan StallBeforeBody { get; set; }

    /// <summary>When true, Range headers are ignored (the full file comes with 200).</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Added to the ETag, to simulate the file changing between requests.</summary>
    public string ETagSuffix { get; set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyCollection<ServedRequest> Requests => _requests;

    public static async Task<BundleServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var app = builder.Build();
        var server = new BundleServer(app);
        app.MapGet("/bundles/{**name}", server.ServeAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/bundles/");
        return server;
    }

    /// <summary>Serves the file at <c>/bundles/{its file name}</c> and returns its URL.</summary>
    public Uri Add(string path) => Add(Path.GetFileName(path), File.ReadAllBytes(path));

    public Uri Add(string name, byte[] content)
    {
        _files[name] = content;
        return new Uri(BaseAddress, name);
    }

    /// <summary>The served requests once at least <paramref name="count"/> have finished (the server logs a request after its last byte).</summary>
    public async Task<List<ServedRequest>> WaitForRequestsAsync(int count)
    {
        for (var i = 0; i < 500 && _requests.Count < count; i++)
        {
            await Task.Delay(10);
        }

        return [.. _requests];
    }

    public int RequestsFor(string name) => _requests.Count(r => r.Name == name);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context, string name)
    {
        var request = context.Request;
        var response = context.Response;
        var range = request.Headers.Range.ToString();
        var ifRange = request.Headers.IfRange.ToString();
        if (Interlocked.Decrement(ref FailNextRequests) >= 0)
        {
            _requests.Enqueue(new ServedRequest(name, range, ifRange, 500, 0));
            response.StatusCode = 500;
            return;
        }

        if (!_files.TryGetValue(name, out var file))
        {
            _requests.Enqueue(new ServedRequest(name, range, ifRange, 404, 0));
            response.StatusCode = 404;
            return;
        }

        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(file))[..16]}{ETagSuffix}\"";
        response.Headers.ETag = etag;
        response.Headers.AcceptRanges = "bytes";
        long start = 0;
        var end = file.LongLength - 1;
        var status = 200;
        if (!IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && (ifRange.Length == 0 || ifRange == etag))
        {
            var spec = range["bytes=".Length..].Split('-');
            start = long.Parse(spec[0]);
            if (spec[1].Length > 0)
            {
                end = Math.Min(end, long.Parse(spec[1]));
            }

            if (start >= file.LongLength)
            {
                _requests.Enqueue(new ServedRequest(name, range, ifRange, 416, 0));
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{file.LongLength}";
                return;
            }

            status = 206;
            response.Headers.ContentRange = $"bytes {start}-{end}/{file.LongLength}";
        }

        response.StatusCode = status;
        response.ContentLength = end - start + 1;
        var cut = CutAfterBytes.TryDequeue(out var c) ? c : long.MaxValue;
        var sent = 0L;
        var clock = Stopwatch.StartNew();
        const int chunk = 16 * 1024;
        try
        {
            if (StallBeforeBody > TimeSpan.Zero)
            {
                await response.StartAsync(context.RequestAborted);
                await Task.Delay(StallBeforeBody, context.RequestAborted);
            }

            for (var offset = start; offset <= end; offset += chunk)
            {
                var length = (int)Math.Min(chunk, end - offset + 1);
                if (sent + length > cut)
                {
                    length = (int)(cut - sent);
                }

                await response.Body.WriteAsync(file.AsMemory((int)offset, length), context.RequestAborted);
                sent += length;
                if (sent >= cut)
                {
                    // Let the bytes reach the client before the reset, so the cut lands where the test asked.
                    await response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(100, context.RequestAborted);
                    context.Abort();
                    return;
                }

                if (BytesPerSecond > 0)
                {
                    var due = TimeSpan.FromSeconds((double)sent / BytesPerSecond);
                    if (due > clock.Elapsed)
                    {
                        await response.Body.FlushAsync(context.RequestAborted);
                        await Task.Delay(due - clock.Elapsed, context.RequestAborted);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _requests.Enqueue(new ServedRequest(name, range, ifRange, status, sent));
        }
    }
}

/// <summary>One request the server answered.</summary>
internal sealed record ServedRequest(string Name, string Range, string IfRange, int Status, long BodyBytes);
