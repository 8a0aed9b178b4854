using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using Microsoft.Extensions.Logging;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// How <see cref="ExecutorLoop"/> fills, frees and counts its rows: the batch limit, refused admissions, cancelled and
/// waiting requests, stopping, a failed loop, an executor never started, and the stats it reports on the way.
/// </summary>
public class ExecutorLoopAdmissionTests(LoopModelFixture fixture) : IClassFixture<LoopModelFixture>
{
    private static GenerationRequest Request(string id, string prompt = "hello", int? maxTokens = null) =>
        new() { Id = id, Prompt = prompt, Temperature = 0, MaxTokens = maxTokens };

    private int Eos => fixture.Model.EosTokenIds.First();

    private const string Long = " one two three four five six seven eight nine ten";

    private int PromptLength(string prompt) => fixture.Model.EncodePrompt(prompt, fromTemplate: false).Length;

    private ScriptedExecutor Started(ScriptedBackend backend, EngineOptions? options = null)
    {
        var executor = new ScriptedExecutor(fixture.Model, backend, options);
        executor.Start();
        return executor;
    }

    private static List<string> Starting(ScriptedBackend backend, string what) =>
        [.. backend.Calls.Where(c => c.StartsWith(what, StringComparison.Ordinal))];

    [Fact]
    public async Task The_batch_limit_is_kept_between_one_and_the_capacity_and_a_limit_of_one_serves_requests_in_turn()
    {
        var backend = new ScriptedBackend(fixture.Model, capacity: 4);
        await using var executor = Started(backend);
        Assert.Equal(4, executor.BatchLimit);
        executor.BatchLimit = 99;
        Assert.Equal(4, executor.BatchLimit);
        executor.BatchLimit = 0;
        Assert.Equal(1, executor.BatchLimit);
        backend.Script("a", 5, 6, Eos);
        backend.Script("b", 7, Eos);
        executor.AdmissionPaused = true;
        Assert.True(executor.AdmissionPaused);
        var a = executor.GenerateAsync(Request("a"));
        var b = executor.GenerateAsync(Request("b"));
        Assert.Equal(2, executor.GetStats().Queued);
        executor.AdmissionPaused = false;
        await Task.WhenAll(a, b);
        Assert.Equal(["admit a 0", "admit b 0"], Starting(backend, "admit"));
        Assert.DoesNotContain("step 2", backend.Calls);
        // a's three steps (two tokens, end-of-sequence) and b's two.
        Assert.Equal(5, executor.GetStats().DecodeSteps);
    }

    [Fact]
    public async Task Requests_admitted_together_decode_in_one_step()
    {
        var backend = new ScriptedBackend(fixture.Model, capacity: 4);
        await using var executor = Started(backend);
        backend.Script("a", 5, 6, Eos);
        backend.Script("b", 7, Eos);
        executor.AdmissionPaused = true;
        var a = executor.GenerateAsync(Request("a"));
        var b = executor.GenerateAsync(Request("b", "turn on the lights"));
        executor.AdmissionPaused = false;
        await Task.WhenAll(a, b);
        Assert.Equal(["admit a 0", "admit b 1"], Starting(backend, "admit"));
        Assert.Contains("step 2", backend.Calls);
        var stats = executor.GetStats();
        Assert.Equal(PromptLength("hello") + PromptLength("turn on the lights"), stats.PromptTokens);
        Assert.Equal(3, stats.CompletionTokens);
        Assert.Equal(Starting(backend, "step").Count, stats.DecodeSteps);
        Assert.Equal(4, stats.BatchCapacity);
        Assert.Equal(2, stats.RequestsCompleted);
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(0, stats.KvBytesInUse);
        Assert.Equal(0, stats.PrefillChunks);
        // Whole steps were timed, each once (a sum of timestamps would read as hours).
        Assert.True(stats.DecodeStepTime > TimeSpan.Zero && stats.DecodeStepTime < TimeSpan.FromMinutes(10), $"{stats.DecodeStepTime}");
    }

    [Fact]
    public async Task The_log_says_what_serves_how_each_request_ended_and_why_the_loop_stopped()
    {
        var logger = new RecordingLogger();
        var backend = new ScriptedBackend(fixture.Model, capacity: 3);
        var executor = new ScriptedExecutor(fixture.Model, backend, logger: logger);
        await using var _ = executor;
        executor.Start();
        backend.Script("a", 5, 6, Eos);
        await executor.GenerateAsync(Request("a"));
        backend.FailStep = new InvalidOperationException("device lost");
        await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Request("a")));
        await executor.StopAsync(TimeSpan.Zero);
        var entries = logger.Entries;
        var kv = fixture.Model.SharedKvBuffer ? "shared" : "growing";
        Assert.Contains((LogLevel.Information, 1200, $"Executor edgellm serving iot-assist: 3 batch rows, Continuous batching, {fixture.Model.MaxSequenceLength} positions per sequence, {kv} KV cache", (Exception?)null), entries);
        Assert.Contains(entries, e => e.Level == LogLevel.Debug && e.EventId == 1201
            && e.Message.StartsWith($"Request a finished (Stop): {PromptLength("hello")} prompt and 2 completion tokens in ", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == LogLevel.Critical && e.EventId == 1203
            && e.Message == "The edgellm executor's loop failed; it stops serving" && e.Exception?.Message == "device lost");
    }

    [Fact]
    public async Task Stats_show_a_running_request_in_flight_with_its_cache_and_the_ones_behind_it_queued()
    {
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model, capacity: 1) { StepGate = gate };
        await using var executor = Started(backend);
        backend.Script("a", " one");
        backend.Script("b", " two");
        var a = executor.Stream(Request("a"));
        await backend.Stepping.WaitAsync();
        var b = executor.Stream(Request("b"));
        var stats = executor.GetStats();
        Assert.Equal(1, stats.InFlight);
        Assert.Equal(1, stats.Queued);
        Assert.Equal(fixture.Model.KvLayout.BytesPerSequence(PromptLength("hello")), stats.KvBytesInUse);
        gate.Release(100);
        await Task.WhenAll(a.Result, b.Result);
    }

    [Fact]
    public async Task A_refused_admission_does_not_hold_up_the_requests_behind_it()
    {
        var backend = new ScriptedBackend(fixture.Model)
        {
            RefuseAdmit = id => id == "bad" ? new GenerationException(GenerationErrorCode.BadRequest, "no guidance") : null,
        };
        await using var executor = Started(backend);
        backend.Script("good", " fine");
        executor.AdmissionPaused = true;
        var bad = executor.GenerateAsync(Request("bad"));
        var good = executor.GenerateAsync(Request("good"));
        executor.AdmissionPaused = false;
        Assert.Equal(GenerationErrorCode.BadRequest, (await Assert.ThrowsAsync<GenerationException>(() => bad)).Code);
        Assert.Equal(" fine", (await good).Text);
        // The refused request held no row: the next one took row 0.
        Assert.Equal(["admit good 0"], Starting(backend, "admit"));
        Assert.Equal(PromptLength("hello"), executor.GetStats().PromptTokens);
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_is_answered_cancelled_without_running()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("w", " one");
        executor.AdmissionPaused = true;
        using var cts = new CancellationTokenSource();
        var stream = executor.Stream(Request("w"), cts.Token);
        await cts.CancelAsync();
        var result = await stream.Result;
        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
        Assert.Empty(result.TokenIds);
        executor.AdmissionPaused = false;
        Assert.Equal(FinishReason.Stop, (await executor.GenerateAsync(Request("w"))).FinishReason);
        Assert.Equal(["admit w 0"], Starting(backend, "admit"));
    }

    [Fact]
    public async Task A_request_cancelled_while_its_prompt_goes_in_leaves_and_the_prompt_behind_it_moves_up()
    {
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model) { StepGate = gate };
        await using var executor = Started(backend, new EngineOptions { PrefillChunkTokens = 2 });
        backend.Script("run", Long);
        backend.Script("late", " ok");
        var running = executor.Stream(Request("run", maxTokens: 10));
        await backend.Stepping.WaitAsync();
        using var cts = new CancellationTokenSource();
        var prompt = "turn on the kitchen lights at seven in the morning";
        var cancelled = executor.Stream(Request("gone", prompt), cts.Token);
        var late = executor.Stream(Request("late", prompt));
        gate.Release();
        // Step 2: both newcomers are in rows 1 and 2, the first with a chunk of its prompt in.
        await backend.Stepping.WaitAsync();
        Assert.Contains("prefill gone 2", backend.Calls);
        await cts.CancelAsync();
        gate.Release(1000);
        Assert.Equal(FinishReason.Cancelled, (await cancelled.Result).FinishReason);
        Assert.Equal(" ok", (await late.Result).Text);
        Assert.Equal(10, (await running.Result).TokenIds.Count);
        Assert.Contains("move 2>1", backend.Calls);
        // The cancelled prompt left at the next boundary: none of it went in after its first chunk.
        Assert.Single(Starting(backend, "prefill gone"));
        Assert.True(executor.GetStats().PrefillChunks > 0);
        Assert.Equal(PromptLength(prompt), Starting(backend, "prefill late").Sum(c => int.Parse(c.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Stopping_without_a_drain_cancels_the_running_request_and_the_waiting_one()
    {
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model, capacity: 1) { StepGate = gate };
        var executor = Started(backend);
        backend.Script("run", Long);
        backend.Script("wait", " two");
        var running = executor.Stream(Request("run"));
        await backend.Stepping.WaitAsync();
        var waiting = executor.Stream(Request("wait"));
        var stop = executor.StopAsync(TimeSpan.Zero);
        gate.Release(1000);
        await stop;
        var run = await running.Result;
        var wait = await waiting.Result;
        Assert.Equal(FinishReason.Cancelled, run.FinishReason);
        Assert.Equal(FinishReason.Cancelled, wait.FinishReason);
        Assert.Empty(wait.TokenIds);
        Assert.Contains("release run", backend.Calls);
        Assert.DoesNotContain("admit wait 0", backend.Calls);
        Assert.True(backend.Disposed);
        Assert.Equal(2, executor.GetStats().RequestsCompleted);
        await executor.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_loop_fails_every_running_request_and_cancels_the_waiting_ones()
    {
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model, capacity: 2) { StepGate = gate };
        await using var executor = Started(backend);
        foreach (var id in new[] { "a", "b", "c" })
        {
            backend.Script(id, Long);
        }
        executor.AdmissionPaused = true;
        var streams = new[] { "a", "b", "c" }.Select(id => executor.GenerateAsync(Request(id))).ToList();
        executor.AdmissionPaused = false;
        await backend.Stepping.WaitAsync();
        backend.FailStep = new InvalidOperationException("device lost");
        gate.Release(100);
        foreach (var running in streams.Take(2))
        {
            var e = await Assert.ThrowsAsync<GenerationException>(() => running);
            Assert.Equal(GenerationErrorCode.Internal, e.Code);
            Assert.Contains("device lost", e.Message);
        }
        Assert.Equal(FinishReason.Cancelled, (await streams[2]).FinishReason);
        Assert.False(executor.IsAcceptingRequests);
        // Nothing is left to drain: a stop returns at once, not after its drain time.
        await executor.StopAsync(TimeSpan.FromMinutes(5));
        Assert.True(backend.Disposed);
    }

    [Fact]
    public async Task An_executor_never_started_answers_its_queue_cancelled_and_frees_its_backend()
    {
        var backend = new ScriptedBackend(fixture.Model);
        var executor = new ScriptedExecutor(fixture.Model, backend);
        var stream = executor.Stream(Request("q"));
        await executor.StopAsync(TimeSpan.FromMinutes(1));
        var result = await stream.Result;
        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
        Assert.True(backend.Disposed);
        Assert.False(backend.IsOpen);
        Assert.Empty(backend.Calls);
        Assert.Throws<GenerationException>(() => executor.Stream(Request("after")));
        await executor.DisposeAsync();
    }

    [Fact]
    public async Task An_executor_needs_a_model_and_logs_a_growing_cache_as_growing()
    {
        Assert.Throws<ArgumentNullException>(() => new ScriptedExecutor(null!, new ScriptedBackend(fixture.Model)));
        using var growing = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1, OpenDecoderSession = false, SharedKvBuffer = false });
        var logger = new RecordingLogger();
        await using var executor = new ScriptedExecutor(growing, new ScriptedBackend(growing, capacity: 1), logger: logger);
        executor.Start();
        Assert.Contains(logger.Entries, e => e.EventId == 1200 && e.Message.EndsWith(" positions per sequence, growing KV cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_executor_made_started_serves_and_one_that_cannot_open_is_disposed()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using (var executor = ScriptedExecutor.Started(fixture.Model, backend))
        {
            backend.Script("a", " on");
            Assert.Equal(" on", (await executor.GenerateAsync(Request("a"))).Text);
            Assert.Equal(ExecutorKind.EdgeLLM, executor.Kind);
            Assert.Equal(BatchingMode.Continuous, executor.Batching);
            Assert.Same(fixture.Model, executor.Model);
            // The backend opened on the loop's own thread, which never keeps the process alive.
            Assert.NotSame(Thread.CurrentThread, backend.OpenedOn);
            Assert.Equal("edgellm-edgellm", backend.OpenedOn?.Name);
            Assert.True(backend.OpenedOn?.IsBackground);
        }
        Assert.True(backend.Disposed);
        var failing = new ScriptedBackend(fixture.Model) { FailOpen = new InvalidOperationException("no device") };
        Assert.Equal("no device", Assert.Throws<InvalidOperationException>(() => ScriptedExecutor.Started(fixture.Model, failing)).Message);
        Assert.True(failing.Disposed);
        var unopened = new ScriptedExecutor(fixture.Model, new ScriptedBackend(fixture.Model) { FailOpen = new InvalidOperationException("no device") });
        Assert.Throws<InvalidOperationException>(unopened.Start);
        // An executor that never opened has nothing to drain: its stop returns at once.
        await unopened.StopAsync(TimeSpan.FromMinutes(5));
        await unopened.DisposeAsync();
    }
}
