using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// The request lifecycle of <see cref="ExecutorLoop"/>, over a scripted backend so that every decision (accept,
/// finish, cancel, admission, chunked prefill, failure) is seen without a model run.
/// </summary>
public class ExecutorLoopTests(LoopModelFixture fixture) : IClassFixture<LoopModelFixture>
{
    private static GenerationRequest Request(string id, string prompt = "hello", int? maxTokens = null) =>
        new() { Id = id, Prompt = prompt, Temperature = 0, MaxTokens = maxTokens };

    private (ScriptedExecutor Executor, ScriptedBackend Backend) Start(EngineOptions? options = null, SemaphoreSlim? gate = null, int capacity = 4, TimeProvider? time = null)
    {
        var backend = new ScriptedBackend(fixture.Model, capacity) { StepGate = gate };
        var executor = new ScriptedExecutor(fixture.Model, backend, options, time);
        executor.Start();
        return (executor, backend);
    }

    [Fact]
    public async Task A_scripted_answer_streams_its_text_and_ends_at_end_of_sequence()
    {
        var (executor, backend) = Start();
        await using var _ = executor;
        backend.Script("a", " the kitchen lights are on");
        var stream = executor.Stream(Request("a"));
        var deltas = new List<string>();
        await foreach (var d in stream)
        {
            deltas.Add(d.Text);
        }
        var result = await stream.Result;
        Assert.Equal(" the kitchen lights are on", result.Text);
        Assert.Equal(string.Concat(deltas), result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(fixture.Model.Tokenizer.Encode(" the kitchen lights are on", addSpecialTokens: false), result.TokenIds);
        Assert.Equal(result.TokenIds.Count, result.Usage.CompletionTokens);
        Assert.Contains("release a", backend.Calls);
        Assert.Equal(1, executor.GetStats().RequestsCompleted);
    }

    [Fact]
    public async Task Max_tokens_ends_with_length_and_a_stop_string_cuts_the_text()
    {
        var (executor, backend) = Start();
        await using var _ = executor;
        backend.Script("long", " one two three four five six");
        backend.Script("stop", " lights on. Anything else?");
        var length = await executor.GenerateAsync(Request("long", maxTokens: 2));
        var stopped = await executor.GenerateAsync(Request("stop") with { Stop = ["."] });
        Assert.Equal(FinishReason.Length, length.FinishReason);
        Assert.Equal(2, length.TokenIds.Count);
        Assert.Equal(FinishReason.Stop, stopped.FinishReason);
        Assert.Equal(" lights on", stopped.Text);
    }

    [Fact]
    public async Task Ignore_eos_takes_end_of_sequence_as_a_token_and_runs_to_max_tokens()
    {
        var (executor, backend) = Start();
        await using var _ = executor;
        backend.Script("e", " hi");
        var result = await executor.GenerateAsync(Request("e", maxTokens: 5) with { IgnoreEos = true });
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(5, result.TokenIds.Count);
        Assert.Contains(fixture.Model.EosTokenIds.First(), result.TokenIds);
    }

    [Fact]
    public async Task A_request_over_its_energy_cap_ends_with_budget_and_its_energy()
    {
        var (executor, backend) = Start(new EngineOptions { EnergyMeter = new CountingMeter(1.0) });
        await using var _ = executor;
        backend.Script("j", " one two three four five six seven eight nine ten");
        var result = await executor.GenerateAsync(Request("j") with { EnergyBudgetJ = 3.5 });
        Assert.Equal(FinishReason.Budget, result.FinishReason);
        Assert.True(result.Usage.EnergyJ >= 3.5, $"{result.Usage.EnergyJ} J");
        Assert.True(result.TokenIds.Count < 10);
    }

    [Fact]
    public async Task A_cancelled_stream_ends_cancelled_and_frees_its_slot()
    {
        using var gate = new SemaphoreSlim(0);
        var (executor, backend) = Start(gate: gate);
        await using var _ = executor;
        backend.Script("c", " one two three four five six seven eight nine ten");
        using var cts = new CancellationTokenSource();
        var stream = executor.Stream(Request("c"), cts.Token);
        gate.Release();
        await using (var deltas = stream.GetAsyncEnumerator())
        {
            Assert.True(await deltas.MoveNextAsync());
        }
        await cts.CancelAsync();
        gate.Release(100);
        var result = await stream.Result;
        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
        Assert.Contains("release c", backend.Calls);
    }

    [Fact]
    public async Task Higher_priority_starts_first_and_a_full_queue_answers_overloaded()
    {
        var (executor, backend) = Start(new EngineOptions { MaxQueuedRequests = 2 }, capacity: 1);
        await using var _ = executor;
        backend.Script("low", " a");
        backend.Script("high", " b");
        executor.AdmissionPaused = true;
        var low = executor.Stream(Request("low") with { Priority = RequestPriority.Low });
        var high = executor.Stream(Request("high") with { Priority = RequestPriority.High });
        var refused = Assert.Throws<GenerationException>(() => executor.Stream(Request("third")));
        Assert.Equal(GenerationErrorCode.Overloaded, refused.Code);
        executor.AdmissionPaused = false;
        await Task.WhenAll(low.Result, high.Result);
        var admits = backend.Calls.Where(c => c.StartsWith("admit", StringComparison.Ordinal)).ToList();
        Assert.Equal(["admit high 0", "admit low 0"], admits);
    }

    [Fact]
    public async Task A_request_past_its_start_deadline_is_refused_with_deadline_exceeded()
    {
        var time = new ManualTimeProvider();
        var (executor, backend) = Start(time: time);
        await using var _ = executor;
        backend.Script("late", " a");
        executor.AdmissionPaused = true;
        var stream = executor.Stream(Request("late") with { ReceivedAt = time.GetUtcNow(), StartDeadline = time.GetUtcNow().AddSeconds(1) });
        time.Advance(TimeSpan.FromSeconds(2));
        executor.AdmissionPaused = false;
        var e = await Assert.ThrowsAsync<GenerationException>(() => stream.Result);
        Assert.Equal(GenerationErrorCode.DeadlineExceeded, e.Code);
        Assert.DoesNotContain(backend.Calls, c => c.StartsWith("admit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_long_prompt_goes_in_chunks_between_the_steps_of_a_running_stream()
    {
        using var gate = new SemaphoreSlim(0);
        var (executor, backend) = Start(new EngineOptions { PrefillChunkTokens = 4 }, gate);
        await using var _ = executor;
        backend.Script("running", string.Concat(Enumerable.Repeat(" on", 30)));
        backend.Script("newcomer", " ok");
        var running = executor.Stream(Request("running", maxTokens: 30));
        // The running stream has its first token (its next step is held by the gate) when the newcomer arrives.
        await FirstDelta(running, gate);
        var prompt = string.Join(' ', Enumerable.Repeat("turn on the kitchen lights", 6));
        var promptTokens = fixture.Model.EncodePrompt(prompt, fromTemplate: false).Length;
        Assert.True(promptTokens > 12, $"{promptTokens} prompt tokens");
        var newcomer = executor.Stream(Request("newcomer", prompt));
        gate.Release(1000);
        var results = await Task.WhenAll(running.Result, newcomer.Result);
        Assert.Equal(" ok", results[1].Text);
        Assert.Equal(30, results[0].TokenIds.Count);
        var calls = backend.Calls;
        var chunks = calls.Where(c => c.StartsWith("prefill newcomer", StringComparison.Ordinal)).Select(c => int.Parse(c.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(promptTokens, chunks.Sum());
        Assert.All(chunks, c => Assert.True(c <= 4));
        // Between two prefill chunks of the newcomer there is always a step of the running stream.
        var order = calls.Where(c => c.StartsWith("prefill newcomer", StringComparison.Ordinal) || c.StartsWith("step", StringComparison.Ordinal)).ToList();
        for (var i = 1; i < order.Count; i++)
        {
            Assert.False(order[i].StartsWith("prefill", StringComparison.Ordinal) && order[i - 1].StartsWith("prefill", StringComparison.Ordinal), string.Join(", ", order));
        }
    }

    [Fact]
    public async Task With_nothing_decoding_a_prompt_goes_in_whole()
    {
        var (executor, backend) = Start(new EngineOptions { PrefillChunkTokens = 2 });
        await using var _ = executor;
        backend.Script("alone", " ok");
        var prompt = "turn on the kitchen lights at seven";
        await executor.GenerateAsync(Request("alone", prompt));
        Assert.Contains($"prefill alone {fixture.Model.EncodePrompt(prompt, fromTemplate: false).Length}", backend.Calls);
    }

    [Fact]
    public async Task A_finished_slot_leaves_its_row_to_the_last_one_and_the_others_keep_their_answers()
    {
        using var gate = new SemaphoreSlim(0);
        var (executor, backend) = Start(gate: gate);
        await using var _ = executor;
        backend.Script("short", " a");
        backend.Script("mid", " one two three");
        backend.Script("long", " one two three four five six");
        executor.AdmissionPaused = true;
        var streams = new[] { "short", "mid", "long" }.Select(id => executor.Stream(Request(id))).ToList();
        executor.AdmissionPaused = false;
        gate.Release(1000);
        var results = await Task.WhenAll(streams.Select(s => s.Result));
        Assert.Equal([" a", " one two three", " one two three four five six"], results.Select(r => r.Text));
        // "short" ended first in row 0: the last row moved into it.
        Assert.Contains("move 2>0", backend.Calls);
    }

    [Fact]
    public async Task A_backend_that_cannot_open_fails_start_and_is_disposed()
    {
        var backend = new ScriptedBackend(fixture.Model) { FailOpen = new InvalidOperationException("no device") };
        var executor = new ScriptedExecutor(fixture.Model, backend);
        var e = Assert.Throws<InvalidOperationException>(executor.Start);
        Assert.Equal("no device", e.Message);
        Assert.True(backend.Disposed);
        var refused = Assert.Throws<GenerationException>(() => executor.Stream(Request("x")));
        Assert.Equal(GenerationErrorCode.ModelUnavailable, refused.Code);
        await executor.DisposeAsync();
    }

    [Fact]
    public async Task A_step_that_throws_fails_its_requests_and_the_executor_stops_taking_more()
    {
        var (executor, backend) = Start();
        await using var _ = executor;
        backend.Script("f", " a b c");
        backend.FailStep = new InvalidOperationException("device lost");
        var e = await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Request("f")));
        Assert.Equal(GenerationErrorCode.Internal, e.Code);
        Assert.Contains("device lost", e.Message);
        Assert.False(executor.IsAcceptingRequests);
        await executor.StopAsync(TimeSpan.Zero);
        Assert.True(backend.Disposed);
    }

    [Fact]
    public async Task A_refused_admission_fails_that_request_alone()
    {
        var backend = new ScriptedBackend(fixture.Model) { RefuseAdmit = _ => new GenerationException(GenerationErrorCode.BadRequest, "no guidance") };
        await using var executor = new ScriptedExecutor(fixture.Model, backend);
        executor.Start();
        var e = await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Request("r")));
        Assert.Equal(GenerationErrorCode.BadRequest, e.Code);
        Assert.True(executor.IsAcceptingRequests);
        Assert.Equal(1, executor.GetStats().RequestsFailed);
    }

    [Fact]
    public async Task Stopping_lets_a_running_request_finish_within_the_drain_and_refuses_new_ones()
    {
        using var gate = new SemaphoreSlim(0);
        var (executor, backend) = Start(gate: gate);
        await using var _ = executor;
        backend.Script("d", " one two three");
        var running = executor.Stream(Request("d"));
        await FirstDelta(running, gate);
        var stop = executor.StopAsync(TimeSpan.FromMinutes(5));
        Assert.Throws<GenerationException>(() => executor.Stream(Request("late")));
        gate.Release(1000);
        await stop;
        Assert.Equal(FinishReason.Stop, (await running.Result).FinishReason);
        Assert.True(backend.Disposed);
    }

    [Fact]
    public async Task Starting_twice_is_refused()
    {
        var (executor, _) = Start();
        await using var _ = executor;
        Assert.Equal("the executor is already started", Assert.Throws<InvalidOperationException>(executor.Start).Message);
    }

    /// <summary>Lets one step run and waits for the stream's first delta (the stream keeps being read by its result).</summary>
    private static async Task FirstDelta(GenerationStream stream, SemaphoreSlim gate)
    {
        gate.Release();
        var deltas = stream.GetAsyncEnumerator();
        Assert.True(await deltas.MoveNextAsync());
    }
}
