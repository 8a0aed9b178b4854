using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Download;
using EdgeLLM.Ota.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeLLM.Ota.Tests.Download;

public sealed class OtaBundleDownloaderTests : IAsyncLifetime
{
    private BundleServer _server = null!;
    private string _root = null!;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public async Task InitializeAsync()
    {
        _server = await BundleServer.StartAsync();
        _root = Directory.CreateTempSubdirectory("edgellm-ota-dl-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_download_cut_twice_resumes_with_if_range_requests_into_one_verified_bundle()
    {
        var model = TestModelDirectory.Create(Path.Combine(_root, "model"), "3.0.0", weightBytes: 2 << 20, allowRealModel: false);
        var packed = await OtaBundlePacker.PackAsync(new OtaPackRequest(model, Path.Combine(_root, "out")), CancellationToken.None);
        var url = _server.Add(packed.BundlePath);
        var size = packed.Manifest.Size;
        _server.CutAfterBytes.Enqueue(700_000);
        _server.CutAfterBytes.Enqueue(900_000);
        var progress = new List<long>();
        var part = Path.Combine(_root, "dl", "bundle.tar.gz.part");

        var result = await Downloader().DownloadAsync(url, size, packed.Manifest.Sha256, part,
            (bytes, _) => { progress.Add(bytes); return ValueTask.CompletedTask; }, CancellationToken.None);

        // Each attempt continues where the kept bytes end (at most where the server cut: bytes in flight may be lost).
        var requests = await _server.WaitForRequestsAsync(3);
        Assert.Equal(("", 200, 700_000L), (requests[0].Range, requests[0].Status, requests[0].BodyBytes));
        var second = RangeStart(requests[1]);
        var third = RangeStart(requests[2]);
        Assert.InRange(second, 1, 700_000);
        Assert.Equal(206, requests[1].Status);
        Assert.Equal(900_000, requests[1].BodyBytes);
        Assert.InRange(third, second + 1, second + 900_000);
        Assert.Equal(206, requests[2].Status);
        Assert.Equal(size - third, requests[2].BodyBytes);
        Assert.All(requests.Skip(1), r => Assert.StartsWith("\"", r.IfRange));
        Assert.Equal(3, result.Requests);
        var (actualSize, sha256) = await OtaBundlePacker.HashFileAsync(result.Path, CancellationToken.None);
        Assert.Equal((size, packed.Manifest.Sha256), (actualSize, sha256));
        Assert.Equal(size, progress[^1]);
        Assert.Equal(progress.Order(), progress);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(part)!, "*.tar.gz*"), f => !f.EndsWith(".json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_partial_file_left_by_an_earlier_run_is_continued_not_restarted()
    {
        var content = RandomBytes(300_000);
        var url = _server.Add("b.tar.gz", content);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var part = Path.Combine(_root, "b.part");
        _server.CutAfterBytes.Enqueue(100_000);
        var first = Downloader(retries: 0);
        await Assert.ThrowsAsync<OtaDownloadException>(() => first.DownloadAsync(url, content.Length, sha, part, null, CancellationToken.None));
        var kept = new FileInfo(part).Length;
        Assert.InRange(kept, 1, 100_000);

        var result = await Downloader().DownloadAsync(url, content.Length, sha, part, null, CancellationToken.None);

        Assert.Equal(kept, result.ResumedFromBytes);
        Assert.Equal($"bytes={kept}-", _server.Requests.Last().Range);
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }

    [Fact]
    public async Task A_changed_file_on_the_server_restarts_the_download_from_zero()
    {
        var content = RandomBytes(200_000);
        var url = _server.Add("c.tar.gz", content);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var part = Path.Combine(_root, "c.part");
        _server.CutAfterBytes.Enqueue(50_000);
        await Assert.ThrowsAsync<OtaDownloadException>(() => Downloader(retries: 0).DownloadAsync(url, content.Length, sha, part, null, CancellationToken.None));
        var kept = new FileInfo(part).Length;
        Assert.InRange(kept, 1, 50_000);
        _server.ETagSuffix = "-v2"; // If-Range no longer matches: the server sends the whole file with 200

        var result = await Downloader().DownloadAsync(url, content.Length, sha, part, null, CancellationToken.None);

        var last = _server.Requests.Last();
        Assert.Equal(($"bytes={kept}-", 200, (long)content.Length), (last.Range, last.Status, last.BodyBytes));
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }

    [Fact]
    public async Task A_server_without_range_support_still_completes()
    {
        var content = RandomBytes(120_000);
        var url = _server.Add("d.tar.gz", content);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        _server.IgnoreRange = true;
        _server.CutAfterBytes.Enqueue(60_000);

        var result = await Downloader().DownloadAsync(url, content.Length, sha, Path.Combine(_root, "d.part"), null, CancellationToken.None);

        Assert.Equal([200, 200], _server.Requests.Select(r => r.Status));
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }

    [Fact]
    public async Task A_partial_file_of_another_bundle_is_discarded()
    {
        var content = RandomBytes(80_000);
        var url = _server.Add("e.tar.gz", content);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var part = Path.Combine(_root, "e.part");
        File.WriteAllBytes(part, RandomBytes(30_000));

        var result = await Downloader().DownloadAsync(url, content.Length, sha, part, null, CancellationToken.None);

        Assert.Equal(0, result.ResumedFromBytes);
        Assert.Equal("", _server.Requests.Single().Range);
        Assert.Equal(content, File.ReadAllBytes(result.Path));
    }

    [Fact]
    public async Task A_stalled_server_counts_as_a_failed_attempt()
    {
        var content = RandomBytes(64 * 1024);
        var url = _server.Add("f.tar.gz", content);
        _server.StallBeforeBody = TimeSpan.FromSeconds(30);
        var downloader = new OtaBundleDownloader(_http, new OtaDownloadSettings(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300), 1, TimeSpan.Zero), NullLogger.Instance);

        var error = await Assert.ThrowsAsync<OtaDownloadException>(() =>
            downloader.DownloadAsync(url, content.Length, new string('0', 64), Path.Combine(_root, "f.part"), null, CancellationToken.None));

        Assert.Contains("failed 2 times in a row without progress", error.Message);
        Assert.Contains("(Ota:DownloadStallSeconds)", error.Message);
    }

    private static long RangeStart(ServedRequest request)
    {
        Assert.StartsWith("bytes=", request.Range);
        return long.Parse(request.Range["bytes=".Length..^1]);
    }

    private OtaBundleDownloader Downloader(int retries = 3) =>
        new(_http, new OtaDownloadSettings(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), retries, TimeSpan.FromMilliseconds(10)), NullLogger.Instance);

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
