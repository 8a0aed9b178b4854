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
}
