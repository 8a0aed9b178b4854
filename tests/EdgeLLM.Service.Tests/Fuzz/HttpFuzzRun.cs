using System.Collections.Concurrent;

namespace EdgeLLM.Service.Tests.Fuzz;

/// <summary>
/// One HTTP fuzz run, shared by the REST and Ollama suites: <paramref name="cases"/> hostile bodies drawn in order from
/// one seeded generator (so a failing case reproduces by its index), sent eight at a time, each status counted.
/// </summary>
internal static class HttpFuzzRun
{
    /// <param name="draw">The body for a case, given whether it goes to the chat endpoint, and the kind it is.</param>
    /// <param name="send">Sends one body (chat endpoint or not, chunked or not) and returns its status; the last argument names the case.</param>
    public static async Task<IReadOnlyDictionary<int, int>> StatusesAsync(Random random, int cases, Func<bool, (byte[] Body, string Kind)> draw,
        Func<bool, byte[], bool, string, Task<int>> send)
    {
        var work = Enumerable.Range(0, cases).Select(i =>
        {
            var chat = random.Next(2) == 0;
            var (body, kind) = draw(chat);
            return (Index: i, Chat: chat, Body: body, Kind: kind, Chunked: random.Next(3) == 0);
        }).ToList();
        var statuses = new ConcurrentDictionary<int, int>();
        using var window = new SemaphoreSlim(8);
        await Task.WhenAll(work.Select(async c =>
        {
            await window.WaitAsync();
            try
            {
                var status = await send(c.Chat, c.Body, c.Chunked, $"{FuzzSettings.Reproduce(c.Index)} ({c.Kind}, chunked {c.Chunked})");
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
            finally
            {
                window.Release();
            }
        }));
        return statuses;
    }

    /// <summary>
    /// Posts one hostile body (chunked or not) to <paramref name="path"/> and checks what every endpoint owes it: a
    /// response, never a dropped connection, with a status of the contract. The caller checks the dialect's body.
    /// </summary>
    public static async Task<FuzzResponse> PostAsync(HttpClient http, string path, byte[] body, bool chunked, string reproduce)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body), 700) : new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        HttpResponseMessage sent;
        try
        {
            sent = await http.PostAsync(path, content);
        }
        catch (HttpRequestException e)
        {
            Assert.Fail($"{reproduce}: no response: {e.Message} {e.InnerException?.Message}\npayload: {FuzzSettings.Show(body)}");
            throw;
        }
        using var response = sent;
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var where = $"{reproduce}: HTTP {status} {text}\npayload: {FuzzSettings.Show(body)}";
        Assert.True(status is 200 or 400 or 404 or 413 or 429 or 503, where);
        return new FuzzResponse(status, response.Content.Headers.ContentType?.MediaType, text, where);
    }
}

/// <summary>One fuzz case's answer: status, media type, body, and the text a failed assertion shows.</summary>
internal sealed record FuzzResponse(int Status, string? MediaType, string Text, string Where);
