using System.Text.Json;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

public class InferenceEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly (int MaxNew, SmokeCase[] Cases) Smoke = SmokeCase.Load(TestPaths.DefaultModel);

    private static GenerationRequest Greedy(string prompt, int? maxTokens = null) =>
        new() { Id = Guid.NewGuid().ToString("N"), Prompt = prompt, Temperature = 0, MaxTokens = maxTokens ?? Smoke.MaxNew };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Greedy_completions_reproduce_onnxruntimes_ids_and_text(bool shared)
    {
        await using var engine = fixture.Engine(shared: shared);
        foreach (var c in Smoke.Cases)
        {
            var result = await engine.GenerateAsync(Greedy(c.Prompt));
            Assert.Equal(c.OutputIds, result.TokenIds);
            Assert.Equal(c.Text, result.Text);
            Assert.Equal(FinishReason.Stop, result.FinishReason);
            Assert.Equal(c.PromptIds.Length, result.Usage.PromptTokens);
            Assert.Equal(c.OutputIds.Length, result.Usage.CompletionTokens);
        }
    }

    [Fact]
    public async Task Messages_go_through_the_chat_template()
    {
        await using var engine = fixture.Engine();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.DefaultModel, "smoke.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var messages = c.GetProperty("messages").EnumerateArray().Select(m => new PromptMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
            var result = await engine.GenerateAsync(new GenerationRequest { Id = "m", Messages = messages, Temperature = 0 });
            Assert.Equal(c.GetProperty("text").GetString(), result.Text);
        }
    }

    [Fact]
    public async Task Concurrent_requests_are_batched_and_each_gets_its_own_answer()
    {
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 4 });
        var cases = Smoke.Cases.Concat(Smoke.Cases).ToArray();
        // Queue them all before any starts (a stream is queued when Stream returns), so they share decode steps.
        engine.AdmissionPaused = true;
        var streams = cases.Select(c => engine.Stream(Greedy(c.Prompt))).ToList();
        Assert.Equal(cases.Length, engine.GetStats().Queued);
        engine.AdmissionPaused = false;
        var results = await Task.WhenAll(streams.Select(s => s.Result));
        for (var i = 0; i < cases.Length; i++)
        {
            Assert.Equal(cases[i].Text, results[i].Text);
        }
        // One at a time, every token after a request's first would take a decode step of its own.
        var alone = results.Sum(r => r.Usage.CompletionTokens - 1);
        Assert.True(engine.GetStats().DecodeSteps < alone, $"{engine.GetStats().DecodeSteps} decode steps for {alone} tokens");
        Assert.Equal(cases.Length, engine.GetStats().RequestsCompleted);
    }

    [Fact]
    public async Task Streamed_deltas_add_up_to_the_final_text()
    {
        await using var engine = fixture.Engine();
        var c = Smoke.Cases[0];
        var text = "";
        var stream = engine.Stream(Greedy(c.Prompt));
        await foreach (var delta in stream)
        {
            text += delta.Text;
        }
        var final = await stream.Result;
        Assert.Equal(c.Text, text);
        Assert.Equal(c.Text, final.Text);
        Assert.True(final.Usage.TimeToFirstTokenMs <= final.Usage.TotalMs);
    }

    [Fact]
    public async Task A_stop_string_across_tokens_ends_the_text_before_it()
    {
        await using var engine = fixture.Engine();
        var c = Smoke.Cases.First(x => x.Text.Contains("\"zone\""));
        var result = await engine.GenerateAsync(Greedy(c.Prompt) with { Stop = [",\"zone\""] });
        Assert.Equal(c.Text[..c.Text.IndexOf(",\"zone\"", StringComparison.Ordinal)], result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public async Task Max_tokens_ends_with_length()
    {
        await using var engine = fixture.Engine();
        var c = Smoke.Cases[0];
        var result = await engine.GenerateAsync(Greedy(c.Prompt, maxTokens: 3));
        Assert.Equal(c.OutputIds[..3], result.TokenIds);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.False(result.ContextExhausted);
    }

    [Fact]
    public async Task The_context_length_ends_generation_and_says_so()
    {
        var c = Smoke.Cases[0];
        using var small = EdgeLLM.Runtime.Models.LanguageModel.Load(TestPaths.DefaultModel, new EdgeLLM.Runtime.Models.ModelLoadOptions { IntraOpThreads = 1, MaxSequenceLength = c.PromptIds.Length + 4 });
        await using var engine = InferenceEngine.Started(small);
        var result = await engine.GenerateAsync(Greedy(c.Prompt, maxTokens: 100));
        Assert.Equal(4, result.TokenIds.Count);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.True(result.ContextExhausted);
    }

    [Fact]
    public async Task Sampling_with_a_seed_is_reproducible()
    {
        await using var engine = fixture.Engine();
        // A raw prompt without the chat template leaves the model unsure, so seeds make a difference.
        var request = new GenerationRequest { Id = "s", Prompt = "x", Temperature = 1.5f, TopK = 0, Seed = 1234, MaxTokens = 30 };
        var a = await engine.GenerateAsync(request);
        var b = await engine.GenerateAsync(request);
        Assert.Equal(a.TokenIds, b.TokenIds);
        var others = await Task.WhenAll(Enumerable.Range(1, 6).Select(seed => engine.GenerateAsync(request with { Seed = (ulong)seed })));
        Assert.Contains(others, o => !o.TokenIds.SequenceEqual(a.TokenIds));
    }

    [Fact]
    public async Task Cancelling_ends_the_stream_with_cancelled()
    {
        await using var engine = fixture.Engine();
        using var cts = new CancellationTokenSource();
        var request = new GenerationRequest { Id = "c", Prompt = "x", Temperature = 1.5f, Seed = 7, MaxTokens = 400 };
        var stream = engine.Stream(request, cts.Token);
        await foreach (var _ in stream)
        {
            cts.Cancel();
        }
        var final = await stream.Result;
        Assert.Equal(FinishReason.Cancelled, final.FinishReason);
        Assert.True(final.TokenIds.Count < 400);
    }

    [Fact]
    public async Task A_request_that_cannot_start_before_its_deadline_is_refused()
    {
        await using var engine = fixture.Engine();
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Greedy("hello") with { StartDeadline = DateTimeOffset.UtcNow.AddSeconds(-1) }));
        Assert.Equal(GenerationErrorCode.DeadlineExceeded, e.Code);
    }

    [Fact]
    public async Task High_priority_requests_start_before_earlier_normal_ones()
    {
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 1 });
        engine.AdmissionPaused = true;
        // Ordered by when the engine produced each first token (arrival plus time to first token), not by when
        // the consumers ran: those are thread-pool continuations and may run in any order on a busy machine.
        var requests = new[] { ("low", RequestPriority.Low), ("normal", RequestPriority.Normal), ("high", RequestPriority.High) }
            .Select(x => Greedy(Smoke.Cases[0].Prompt, 2) with { Id = x.Item1, Priority = x.Item2 })
            .ToList();
        var runs = requests.Select(r => engine.GenerateAsync(r)).ToArray();
        Assert.Equal(3, engine.GetStats().Queued);
        engine.AdmissionPaused = false;
        var results = await Task.WhenAll(runs);
        var order = results
            .OrderBy(r => requests.Single(q => q.Id == r.Id).ReceivedAt.AddMilliseconds(r.Usage.TimeToFirstTokenMs))
            .Select(r => r.Id)
            .ToList();
        Assert.Equal(["high", "normal", "low"], order);
    }

    [Fact]
    public async Task A_shared_prompt_prefix_is_reused_and_changes_nothing()
    {
        await using var engine = fixture.Engine(new EngineOptions { PrefixCacheMinTokens = 8 });
        var system = new PromptMessage("system", "You control smart-home devices and read sensors. Answer with a JSON action or a status line.");
        var first = await engine.GenerateAsync(new GenerationRequest { Id = "1", Messages = [system, new("user", "turn on the kitchen lights")], Temperature = 0 });
        var second = await engine.GenerateAsync(new GenerationRequest { Id = "2", Messages = [system, new("user", "lock the front door")], Temperature = 0 });
        Assert.Equal(0, first.Usage.CachedPromptTokens);
        Assert.True(second.Usage.CachedPromptTokens > 15);
        await using var uncached = fixture.Engine(new EngineOptions { PrefixCacheBytes = 0 });
        var reference = await uncached.GenerateAsync(new GenerationRequest { Id = "3", Messages = [system, new("user", "lock the front door")], Temperature = 0 });
        Assert.Equal(reference.TokenIds, second.TokenIds);
    }

    [Theory]
    [InlineData("", null, null, GenerationErrorCode.BadRequest)]
    [InlineData("hi", 0, null, GenerationErrorCode.BadRequest)]
    [InlineData("hi", -5, null, GenerationErrorCode.BadRequest)]
    [InlineData("hi", null, "phi-3", GenerationErrorCode.ModelUnavailable)]
    public async Task Bad_requests_are_typed_errors(string prompt, int? maxTokens, string? model, GenerationErrorCode code)
    {
        await using var engine = fixture.Engine();
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(new GenerationRequest { Id = "b", Prompt = prompt, MaxTokens = maxTokens, Model = model }));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_context_overflow()
    {
        await using var engine = fixture.Engine();
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Greedy(string.Join(' ', Enumerable.Repeat("lights", 600)))));
        Assert.Equal(GenerationErrorCode.ContextOverflow, e.Code);
        Assert.Contains("context holds 512", e.Message);
    }

    [Fact]
    public async Task A_full_queue_answers_overloaded()
    {
        await using var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 1, MaxQueuedRequests = 2 });
        engine.AdmissionPaused = true;
        var queued = Enumerable.Range(0, 2).Select(i => engine.GenerateAsync(Greedy(Smoke.Cases[0].Prompt, 2) with { Id = $"q{i}" })).ToList();
        Assert.Equal(2, engine.GetStats().Queued);
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Greedy("x")));
        Assert.Equal(GenerationErrorCode.Overloaded, e.Code);
        engine.AdmissionPaused = false;
        Assert.All(await Task.WhenAll(queued), r => Assert.Equal(2, r.TokenIds.Count));
    }

    [Fact]
    public async Task Stopping_answers_waiting_requests_cancelled_and_refuses_new_ones()
    {
        var engine = fixture.Engine(new EngineOptions { MaxBatchSize = 1 });
        engine.AdmissionPaused = true;
        var waiting = engine.GenerateAsync(Greedy("y") with { Id = "wait" });
        Assert.Equal(1, engine.GetStats().Queued);
        await engine.StopAsync(TimeSpan.FromMilliseconds(10));
        Assert.Equal(FinishReason.Cancelled, (await waiting).FinishReason);
        var e = await Assert.ThrowsAsync<GenerationException>(() => engine.GenerateAsync(Greedy("z")));
        Assert.Equal(GenerationErrorCode.ModelUnavailable, e.Code);
        await engine.DisposeAsync();
    }
}
