using EdgeLLM.Runtime.Constraints;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Sampling;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>
/// What the loop decides at each token (<see cref="SlotLifecycle"/>) and what the one result carries: usage, energy,
/// times, held-back text, constraints, the context, and the backend's own ends and failures. Over the scripted
/// backend, so each figure is known exactly.
/// </summary>
public class SlotLifecycleTests(LoopModelFixture fixture) : IClassFixture<LoopModelFixture>
{
    private int Eos => fixture.Model.EosTokenIds.First();

    private int[] Ids(string text) => fixture.Model.Tokenizer.Encode(text, addSpecialTokens: false);

    private int PromptLength(string prompt) => fixture.Model.EncodePrompt(prompt, fromTemplate: false).Length;

    private static GenerationRequest Request(string id, string prompt = "hello", int? maxTokens = null) =>
        new() { Id = id, Prompt = prompt, Temperature = 0, MaxTokens = maxTokens };

    private ScriptedExecutor Started(ScriptedBackend backend, EngineOptions? options = null, TimeProvider? time = null)
    {
        var executor = new ScriptedExecutor(fixture.Model, backend, options, time);
        executor.Start();
        return executor;
    }

    [Fact]
    public async Task Each_step_feeds_the_token_accepted_before_it()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("a", " one two three");
        var result = await executor.GenerateAsync(Request("a"));
        Assert.Equal(Ids(" one two three"), result.TokenIds);
        // The step after each token feeds that token; the step that gave end-of-sequence was fed the last one.
        Assert.Equal(result.TokenIds, backend.Fed("a"));
    }

    [Fact]
    public async Task Usage_gives_prompt_completion_and_cached_tokens_the_times_and_the_energy_of_every_run()
    {
        var time = new ManualTimeProvider();
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model) { StepGate = gate, CachedPrefix = 2 };
        await using var executor = Started(backend, new EngineOptions { EnergyMeter = new CountingMeter(1.0) }, time);
        backend.Script("u", 5, 6, 7, Eos);
        const string prompt = "turn on the kitchen lights";
        var stream = executor.Stream(Request("u", prompt) with { ReceivedAt = time.GetUtcNow() });
        gate.Release();
        var deltas = stream.GetAsyncEnumerator();
        Assert.True(await deltas.MoveNextAsync());
        time.Advance(TimeSpan.FromSeconds(2));
        gate.Release(100);
        var usage = (await stream.Result).Usage;
        Assert.Equal(PromptLength(prompt), usage.PromptTokens);
        Assert.Equal(3, usage.CompletionTokens);
        Assert.Equal(FinishReason.Stop, (await stream.Result).FinishReason);
        Assert.Equal(2, usage.CachedPromptTokens);
        Assert.Contains($"prefill u {PromptLength(prompt) - 2}", backend.Calls);
        // The first token came before the clock moved; the answer ended after.
        Assert.Equal(0, usage.TimeToFirstTokenMs);
        Assert.Equal(2000, usage.TotalMs);
        // One joule per run, the prefill and four steps (three tokens, then end-of-sequence).
        Assert.Equal(5.0, usage.EnergyJ);
        Assert.Equal(0, usage.DraftedTokens);
    }

    [Fact]
    public async Task An_energy_cap_reached_exactly_ends_the_request_at_that_run_before_its_token()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend, new EngineOptions { EnergyMeter = new CountingMeter(1.0) });
        backend.Script("j", " one two three four five six");
        // Prefill 1 J, first step 2 J (its token taken), second step 3 J: the cap, so its token is not.
        var result = await executor.GenerateAsync(Request("j") with { EnergyBudgetJ = 3.0 });
        Assert.Equal(FinishReason.Budget, result.FinishReason);
        Assert.Equal(3.0, result.Usage.EnergyJ);
        Assert.Equal(Ids(" one two three four five six")[..1], result.TokenIds);
    }

    [Fact]
    public async Task Two_sequences_in_one_step_share_its_energy()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend, new EngineOptions { EnergyMeter = new CountingMeter(1.0) });
        backend.Script("a", 5, Eos);
        backend.Script("b", 6, Eos);
        executor.AdmissionPaused = true;
        var a = executor.GenerateAsync(Request("a"));
        var b = executor.GenerateAsync(Request("b"));
        executor.AdmissionPaused = false;
        var results = await Task.WhenAll(a, b);
        // Each prompt's own prefill run (1 J each), then two steps of both (half a joule each).
        Assert.All(results, r => Assert.Equal(2.0, r.Usage.EnergyJ));
        Assert.Equal(2, executor.GetStats().LastBatchSize);
    }

    [Fact]
    public async Task Text_held_back_for_a_stop_string_is_given_out_when_the_answer_ends()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("s", " lights on x");
        var stream = executor.Stream(Request("s") with { Stop = ["xyz"] });
        var deltas = new List<string>();
        var last = 0;
        await foreach (var d in stream)
        {
            deltas.Add(d.Text);
            last = d.TokenId;
        }
        var result = await stream.Result;
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(" lights on x", result.Text);
        // The flushed text belongs to no one token.
        Assert.Equal(-1, last);
        Assert.Equal(result.Text, string.Concat(deltas));
    }

    [Fact]
    public async Task Stop_strings_do_not_cut_a_constrained_answer()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("c", "{\"a\": 1, \"b\": 2}");
        var result = await executor.GenerateAsync(Request("c") with { Constraint = OutputConstraint.JsonObject, Stop = [","] });
        Assert.Equal("{\"a\": 1, \"b\": 2}", result.Text);
    }

    [Fact]
    public async Task A_constrained_answer_ends_at_end_of_sequence_even_under_ignore_eos()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("c", "{\"a\": 1}");
        var result = await executor.GenerateAsync(Request("c", maxTokens: 40) with { Constraint = OutputConstraint.JsonObject, IgnoreEos = true });
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(Ids("{\"a\": 1}"), result.TokenIds);
    }

    [Fact]
    public async Task Where_the_loop_chooses_tokens_a_constrained_answer_ends_when_its_value_closes()
    {
        var backend = new ScriptedBackend(fixture.Model) { ChoosesFromLogits = true };
        await using var executor = Started(backend);
        backend.Script("j", "{\"on\":true} and then more text");
        backend.Script("free", "{\"on\":true} and then more text");
        var constrained = await executor.GenerateAsync(Request("j") with { Constraint = OutputConstraint.JsonObject });
        var masked = executor.GetStats().ConstrainedTokens;
        var free = await executor.GenerateAsync(Request("free"));
        Assert.Equal(FinishReason.Stop, constrained.FinishReason);
        Assert.Equal("{\"on\":true}", constrained.Text);
        Assert.Equal(constrained.TokenIds.Count, masked);
        Assert.Equal("{\"on\":true} and then more text", free.Text);
        Assert.Equal(masked, executor.GetStats().ConstrainedTokens);
        Assert.True(executor.GetStats().ConstraintMaskTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_cancel_that_arrives_during_a_step_ends_the_request_before_that_steps_token()
    {
        using var gate = new SemaphoreSlim(0);
        var backend = new ScriptedBackend(fixture.Model) { StepGate = gate };
        await using var executor = Started(backend);
        backend.Script("c", 5, 6, 7, 8, Eos);
        using var cts = new CancellationTokenSource();
        var stream = executor.Stream(Request("c"), cts.Token);
        gate.Release();
        await backend.Stepping.WaitAsync();
        // The second step has begun; the cancel reaches the loop as that step's run is reported.
        await backend.Stepping.WaitAsync();
        await cts.CancelAsync();
        gate.Release(100);
        var result = await stream.Result;
        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
        Assert.Equal([5], result.TokenIds);
    }

    [Fact]
    public async Task An_answer_that_fills_the_context_ends_with_length_and_says_so()
    {
        const string prompt = "turn on the kitchen lights";
        var backend = new ScriptedBackend(fixture.Model) { Positions = PromptLength(prompt) + 3 };
        await using var executor = Started(backend);
        backend.Script("c", " one two three four five six seven eight");
        var result = await executor.GenerateAsync(Request("c", prompt));
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.True(result.ContextExhausted);
        // Three positions were free and the token that fills them is taken too.
        Assert.Equal(Ids(" one two three four five six seven eight")[..4], result.TokenIds);
    }

    [Fact]
    public async Task Max_tokens_is_not_a_full_context_unless_the_context_set_it()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("m", 5);
        var asked = await executor.GenerateAsync(Request("m", maxTokens: 3) with { IgnoreEos = true });
        var capped = await executor.GenerateAsync(Request("m", maxTokens: 100_000) with { IgnoreEos = true });
        Assert.Equal(FinishReason.Length, asked.FinishReason);
        Assert.False(asked.ContextExhausted);
        Assert.Equal([5, 5, 5], asked.TokenIds);
        Assert.Equal(FinishReason.Length, capped.FinishReason);
        Assert.True(capped.ContextExhausted);
        Assert.Equal(fixture.Model.MaxSequenceLength - PromptLength("hello"), capped.TokenIds.Count);
    }

    [Fact]
    public async Task A_backend_that_ends_a_turn_itself_gives_its_reason_and_the_tokens_so_far()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("e", 7, 8, ScriptedBackend.EndsItself);
        var result = await executor.GenerateAsync(Request("e"));
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.True(result.ContextExhausted);
        Assert.Equal([7, 8], result.TokenIds);
    }

    [Fact]
    public async Task A_backend_that_fails_one_request_fails_it_alone()
    {
        var backend = new ScriptedBackend(fixture.Model);
        await using var executor = Started(backend);
        backend.Script("f", 7, ScriptedBackend.FailsItself);
        backend.Script("ok", " fine");
        executor.AdmissionPaused = true;
        var failing = executor.GenerateAsync(Request("f"));
        var ok = executor.GenerateAsync(Request("ok"));
        executor.AdmissionPaused = false;
        var e = await Assert.ThrowsAsync<GenerationException>(() => failing);
        Assert.Equal("backend failed f", e.Message);
        Assert.Equal(" fine", (await ok).Text);
        Assert.Contains("release f", backend.Calls);
        var stats = executor.GetStats();
        Assert.Equal(1, stats.RequestsFailed);
        Assert.Equal(1, stats.RequestsCompleted);
        Assert.True(executor.IsAcceptingRequests);
    }

    [Fact]
    public async Task A_request_answered_by_its_prefill_costs_no_decode_step()
    {
        var backend = new ScriptedBackend(fixture.Model) { FirstTokenFromPrefill = true };
        await using var executor = Started(backend);
        backend.Script("eos", Eos);
        backend.Script("two", " on");
        var ended = await executor.GenerateAsync(Request("eos"));
        Assert.Equal(FinishReason.Stop, ended.FinishReason);
        Assert.Empty(ended.TokenIds);
        Assert.DoesNotContain(backend.Calls, c => c.StartsWith("step", StringComparison.Ordinal));
        var two = await executor.GenerateAsync(Request("two"));
        Assert.Equal(" on", two.Text);
        Assert.Equal(Ids(" on").Length, executor.GetStats().DecodeSteps);
    }

    /// <summary>A lifecycle over one admitted, decoding slot, outside any loop.</summary>
    private (SlotLifecycle Lifecycle, ExecutorCore Core, Slot Slot) Lone(EngineOptions? options = null)
    {
        var core = new ExecutorCore(fixture.Model, options, null, null);
        var table = new SlotTable(1);
        var lifecycle = new SlotLifecycle(fixture.Model, core, new ScriptedBackend(fixture.Model, 1), table);
        var pending = new PendingRequest(Request("l"), [5, 6, 7], SamplingOptions.Greedy, 8, 0);
        var slot = new Slot(pending, 0, null, fixture.Model.Tokenizer.CreateStream(), fixture.Model.MaxSequenceLength, constrain: false);
        table.Add(slot);
        table.StartDecoding(slot);
        return (lifecycle, core, slot);
    }

    [Fact]
    public async Task A_request_has_one_final_whatever_reports_come_after_it()
    {
        var (lifecycle, core, slot) = Lone(new EngineOptions { EnergyMeter = new CountingMeter(1.0) });
        lifecycle.Mark();
        lifecycle.Accept(slot, 9);
        lifecycle.Finish(slot, FinishReason.Length);
        var energy = slot.EnergyJ;
        lifecycle.Accept(slot, 10);
        lifecycle.Finish(slot, FinishReason.Cancelled);
        lifecycle.End(slot, FinishReason.Stop);
        lifecycle.Fail(slot, new GenerationException(GenerationErrorCode.Internal, "late"));
        lifecycle.Ran([slot]);
        var result = await slot.Pending.Result;
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal([9], result.TokenIds);
        Assert.Equal([9], slot.Generated);
        Assert.Equal(1, lifecycle.Emitted);
        Assert.Equal(energy, slot.EnergyJ);
        Assert.Equal(1, core.Outcomes.Completed);
        Assert.Equal(0, core.Outcomes.Failed);
    }

    [Fact]
    public async Task A_failed_request_is_failed_once_and_counted_as_failed()
    {
        var (lifecycle, core, slot) = Lone();
        lifecycle.Fail(slot, new GenerationException(GenerationErrorCode.Internal, "first"));
        lifecycle.Fail(slot, new GenerationException(GenerationErrorCode.Internal, "second"));
        lifecycle.Finish(slot, FinishReason.Stop);
        Assert.True(slot.Finished);
        Assert.Equal("first", (await Assert.ThrowsAsync<GenerationException>(() => slot.Pending.Result)).Message);
        Assert.Equal(1, core.Outcomes.Failed);
        Assert.Equal(0, core.Outcomes.Completed);
    }

    [Fact]
    public void A_mark_starts_the_count_of_tokens_and_run_time_afresh()
    {
        var (lifecycle, _, slot) = Lone();
        lifecycle.Mark();
        lifecycle.Ran([slot]);
        lifecycle.Accept(slot, 9);
        lifecycle.Accept(slot, 10);
        Assert.Equal(2, lifecycle.Emitted);
        Assert.True(lifecycle.RunTime > TimeSpan.Zero);
        Assert.Equal(10, slot.NextToken);
        Assert.Equal(5, slot.HistoryLength);
        Assert.Equal([5, 6, 7, 9, 10], slot.HistorySpan.ToArray());
        lifecycle.Mark();
        Assert.Equal(0, lifecycle.Emitted);
        Assert.Equal(TimeSpan.Zero, lifecycle.RunTime);
    }
}
