using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLLM.Ota.Device;
using EdgeLLM.Ota.Store;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Ota.Download;

/// <summary>
/// Downloads a bundle into a <c>.part</c> file that survives failures and restarts: a later call continues
/// where the file ends with an HTTP Range request, guarded by <c>If-Range</c> (the ETag, else Last-Modified,
/// remembered in <c>&lt;part&gt;.json</c>) and by the <c>Content-Range</c> total, so bytes of two different files are
/// never joined. Transient failures (connection errors, 5xx, 408, 429, stalls) are retried with exponential
/// back-off; other HTTP errors and size mismatches fail at once.
/// </summary>
public sealed class OtaBundleDownloader
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);
    private readonly HttpClient _http;
    private readonly OtaDownloadSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public OtaBundleDownloader(HttpClient http, OtaDownloadSettings settings, ILogger logger, TimeProvider? time = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Downloads <paramref name="url"/> into <paramref name="partPath"/> until it holds <paramref name="size"/> bytes,
    /// continuing an earlier partial file of the same bundle (same URL, size and SHA-256).
    /// </summary>
    /// <param name="url">The bundle's address.</param>
    /// <param name="size">The bundle's size from the manifest; the file never grows beyond it.</param>
    /// <param name="sha256">The bundle's SHA-256 from the manifest; a partial file of another bundle is discarded.</param>
    /// <param name="partPath">The partial file (kept on failure; <c>&lt;partPath&gt;.json</c> remembers its validators).</param>
    /// <param name="bytesReceived">Called with the file's length as it grows.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays for the next call.</param>
    /// <exception cref="OtaDownloadException">The download failed for good.</exception>
    public async Task<OtaDownloadResult> DownloadAsync(
        Uri url, long size, string sha256, string partPath, Func<long, CancellationToken, ValueTask>? bytesReceived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(partPath))!);
        var metadataPath = partPath + ".json";
        var metadata = ReadMetadata(metadataPath);
        if (metadata is null || metadata.Url != url.AbsoluteUri || metadata.Size != size || metadata.Sha256 != sha256)
        {
            DurableFileSystem.TryDelete(partPath);
            metadata = new PartMetadata(url.AbsoluteUri, size, sha256, null, null);
            WriteMetadata(metadataPath, metadata);
        }

        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(_settings.Timeout);
        var resumedFrom = CurrentLength(partPath);
        var requests = 0;
        var failuresInARow = 0;
        while (true)
        {
            var before = CurrentLength(partPath);
            if (before == size)
            {
                return new OtaDownloadResult(partPath, resumedFrom, requests);
            }

            string failure;
            try
            {
                requests++;
                await AttemptAsync(url, size, partPath, metadataPath, bytesReceived, overall.Token).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException e) when (overall.IsCancellationRequested)
            {
                throw new OtaDownloadException($"download of {url} did not finish within {_settings.Timeout} (Ota:DownloadTimeoutSeconds)", innerException: e);
            }
            catch (TransientDownloadException e)
            {
                failure = e.Message;
                if (e.Restart)
                {
                    DurableFileSystem.TryDelete(partPath);
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                failure = e.Message;
            }

            failuresInARow = CurrentLength(partPath) > before ? 1 : failuresInARow + 1;
            if (failuresInARow > _settings.Retries)
            {
                throw new OtaDownloadException($"download of {url} failed {failuresInARow} times in a row without progress (Ota:DownloadRetries = {_settings.Retries}); last error: {failure}");
            }

            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, _settings.RetryDelay.Ticks * (1L << Math.Min(failuresInARow - 1, 16))));
            OtaLog.DownloadRetry(_logger, url.AbsoluteUri, requests, (long)delay.TotalMilliseconds, failure);
            try
            {
                await Task.Delay(delay, _time, overall.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new OtaDownloadException($"download of {url} did not finish within {_settings.Timeout} (Ota:DownloadTimeoutSeconds); last error: {failure}", innerException: e);
            }
        }
    }

    private async Task AttemptAsync(
        Uri url, long size, string partPath, string metadataPath, Func<long, CancellationToken, ValueTask>? bytesReceived,
        CancellationToken cancellationToken)
    {
        // The validators of the previous response are on disk (an attempt that failed midway still wrote them).
        var metadata = ReadMetadata(metadataPath) ?? throw new IOException($"{metadataPath} vanished during the download");
        var offset = CurrentLength(partPath);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
            if (metadata.ETag is { } etag && !etag.StartsWith("W/", StringComparison.Ordinal))
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(EntityTagHeaderValue.Parse(etag));
            }
            else if (metadata.LastModified is { } lastModified)
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(lastModified);
            }

            OtaLog.DownloadResumed(_logger, url.AbsoluteUri, offset);
        }

        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(_settings.StallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TransientDownloadException($"no response within {_settings.StallTimeout} (Ota:DownloadStallSeconds)");
        }

        using (response)
        {
            var append = CheckResponse(response, url, size, offset);
            if (!append && offset > 0)
            {
                OtaLog.DownloadRestarted(_logger, url.AbsoluteUri, $"the server answered {(int)response.StatusCode} to a range request");
            }

            metadata = metadata with
            {
                ETag = response.Headers.ETag?.ToString(),
                LastModified = response.Content.Headers.LastModified,
            };
            WriteMetadata(metadataPath, metadata);
            await CopyBodyAsync(response, partPath, append ? offset : 0, size, bytesReceived, stall, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns true when the body continues the part file, false when it is the whole bundle from byte 0.</summary>
    private static bool CheckResponse(HttpResponseMessage response, Uri url, long size, long offset)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var range = response.Content.Headers.ContentRange;
            if (range is null || range.From != offset)
            {
                throw new TransientDownloadException($"the server sent a range starting at {range?.From?.ToString(CultureInfo.InvariantCulture) ?? "?"}, not {offset}");
            }

            if (range.Length is { } total && total != size)
            {
                throw new OtaDownloadException($"{url} is {total} bytes, the manifest says {size}", isSizeMismatch: true);
            }

            return true;
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            if (response.Content.Headers.ContentLength is { } length && length != size)
            {
                throw new OtaDownloadException($"{url} is {length} bytes, the manifest says {size}", isSizeMismatch: true);
            }

            return false;
        }

        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Our part is at least as long as the server's file: it is another file. Start over.
            throw new TransientDownloadException($"the server refused the range from byte {offset} (416)", restart: true);
        }

        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            throw new TransientDownloadException($"HTTP {status} {response.ReasonPhrase}");
        }

        throw new OtaDownloadException($"{url} answered HTTP {status} {response.ReasonPhrase}");
    }

    private async Task CopyBodyAsync(
        HttpResponseMessage response, string partPath, long offset, long size, Func<long, CancellationToken, ValueTask>? bytesReceived,
        CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        FileStream file;
        try
        {
            // Unbuffered: every chunk goes straight to the file, so a failed write cannot resurface when the stream is disposed.
            file = new FileStream(partPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0, useAsync: true);
            file.SetLength(offset);
            file.Position = offset;
        }
        catch (IOException e)
        {
            throw StorageError(partPath, e);
        }

        await using (file)
        {
            var buffer = new byte[1 << 16];
            var length = offset;
            try
            {
                while (true)
                {
                    stall.CancelAfter(_settings.StallTimeout);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TransientDownloadException($"no data for {_settings.StallTimeout} (Ota:DownloadStallSeconds) at byte {length}");
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    if (length + read > size)
                    {
                        throw new OtaDownloadException($"the server sent more than the manifest's {size} bytes", isSizeMismatch: true);
                    }

                    try
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        throw StorageError(partPath, e);
                    }

                    length += read;
                    if (bytesReceived is not null)
                    {
                        await bytesReceived(length, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                // Keep what arrived: the next attempt (or the next start of the service) continues from here.
                try
                {
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // Reported by the write that failed; a failed flush only loses the tail, which the resume re-fetches.
                }
            }

            if (length < size)
            {
                throw new TransientDownloadException($"the connection ended at byte {length} of {size}");
            }

            try
            {
                file.Flush(flushToDisk: true);
            }
            catch (IOException e)
            {
                throw StorageError(partPath, e);
            }
        }
    }

    private static OtaDownloadException StorageError(string path, IOException e) =>
        new($"writing {path}: {e.Message}", innerException: e, isStorageError: true);

    private static long CurrentLength(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    private static PartMetadata? ReadMetadata(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), PartMetadataJson.Default.PartMetadata) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteMetadata(string path, PartMetadata metadata) =>
        DurableFileSystem.WriteAllBytesAtomically(path, JsonSerializer.SerializeToUtf8Bytes(metadata, PartMetadataJson.Default.PartMetadata));

    /// <summary>What <c>&lt;part&gt;.json</c> remembers about a partial download.</summary>
    internal sealed record PartMetadata(string Url, long Size, string Sha256, string? ETag, DateTimeOffset? LastModified);

    private sealed class TransientDownloadException(string message, bool restart = false) : Exception(message)
    {
        public bool Restart { get; } = restart;
    }
}

/// <summary>The source-generated serializer of <c>&lt;part&gt;.json</c> (Native AOT).</summary>
[JsonSerializable(typeof(OtaBundleDownloader.PartMetadata))]
internal sealed partial class PartMetadataJson : JsonSerializerContext;
