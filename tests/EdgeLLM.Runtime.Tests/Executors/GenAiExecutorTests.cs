using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Executors;

/// <summary>What the service promises on its own loop holds on ONNX Runtime GenAI's engine too.</summary>
public sealed class GenAiExecutorTests : IDisposable
{
    private readonly LanguageModel _model = LanguageModel.Load(TestPaths.DefaultModel,
        ExecutorFactory.LoadOptionsFor(ExecutorKind.GenAi, new ModelLoadOptions { IntraOpThreads = 1 }));

    private static GenerationRequest Chat(string id, int? maxTokens = null, IReadOnlyList<string>? stop = null) => new()
    {
        Id = id,
        Messages = [new PromptMessage("user", "turn on the kitchen lights at 7pm")],
        Temperature = 0,
        MaxTokens = maxTokens,
        Stop = stop ?? [],
    };

    [Fact]
    public async Task The_model_is_served_without_an_edgellm_session_and_reports_static_batching_on_cpu()
    {
        await using var executor = GenAiExecutor.Started(_model, new EngineOptions { MaxBatchSize = 2 });
        Assert.Equal(ExecutorKind.GenAi, executor.Kind);
        Assert.Equal(BatchingMode.Static, executor.Batching);
        Assert.Equal(2, executor.GetStats().BatchCapacity);
    }

    [Fact]
    public async Task Streamed_deltas_add_up_to_the_final_text_and_usage_counts_the_tokens()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var text = new System.Text.StringBuilder();
        var stream = executor.Stream(Chat("s"));
        await foreach (var delta in stream)
        {
            text.Append(delta.Text);
        }
        var result = await stream.Result;
        Assert.Equal(result.Text, text.ToString());
        Assert.StartsWith("{", result.Text);
        Assert.Equal(result.TokenIds.Count, result.Usage.CompletionTokens);
        Assert.True(result.Usage.PromptTokens > 0);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public async Task A_stop_string_ends_the_completion_before_it()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var full = await executor.GenerateAsync(Chat("full"));
        var cut = full.Text.IndexOf("\"on\"", StringComparison.Ordinal);
        Assert.True(cut > 0, full.Text);
        var stopped = await executor.GenerateAsync(Chat("stopped", stop: ["\"on\""]));
        Assert.Equal(full.Text[..cut], stopped.Text);
        Assert.Equal(FinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task Max_tokens_ends_the_completion_with_length()
    {
        await using var executor = GenAiExecutor.Started(_model);
        var result = await executor.GenerateAsync(Chat("short", maxTokens: 3));
        Assert.Equal(3, result.TokenIds.Count);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public async Task A_full_queue_answers_overloaded()
    {
        await using var executor = GenAiExecutor.Started(_model, new EngineOptions { MaxBatchSize = 1, MaxQueuedRequests = 1 });
        executor.AdmissionPaused = true;
        var waiting = executor.GenerateAsync(Chat("waiting"));
        var e = await Assert.ThrowsAsync<GenerationException>(() => executor.GenerateAsync(Chat("refused")));
        Assert.Equal(GenerationErrorCode.Overloaded, e.Code);
        executor.AdmissionPaused = false;
        Assert.Equal(FinishReason.Stop, (await waiting).FinishReason);
    }

    [Fact]
    public async Task A_request_whose_deadline_passed_in_the_queue_fails_with_deadline_exceeded()
    {
        await using var executor = GenAiExecutor.Started(_model);
        executor.AdmissionPaused = true;
        var late = executor.GenerateAsync(Chat("late") with { StartDeadline = DateTimeOffset.UtcNow.AddMilliseconds(-1) });
        executor.AdmissionPaused = false;
        var e = await Assert.ThrowsAsync<GenerationException>(() => late);
        Assert.Equal(GenerationErrorCode.DeadlineExceeded, e.Code);
    }

    [Fact]
    public async Task Cancelling_ends_the_request_with_a_cancelled_result()
    {
        await using var executor = GenAiExecutor.Started(_model);
        using var cts = new CancellationTokenSource();
        executor.AdmissionPaused = true;
        var pending = executor.GenerateAsync(Chat("cancelled"), cts.Token);
        await cts.CancelAsync();
        executor.AdmissionPaused = false;
        var result = await pending;
        Assert.Equal(FinishReason.Cancelled, result.FinishReason);
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_answer()
    {
        await using var executor = GenAiExecutor.Started(_model, new EngineOptions { MaxBatchSize = 4 });
        var (maxNew, cases) = SmokeCase.Load(TestPaths.DefaultModel);
        var chosen = cases.Take(6).ToArray();
        var results = await Task.WhenAll(chosen.Select(c => executor.GenerateAsync(new GenerationRequest { Id = c.Name, Prompt = c.Prompt, Temperature = 0, MaxTokens = maxNew })));
        for (var i = 0; i < chosen.Length; i++)
        {
            Assert.Equal(chosen[i].Text, results[i].Text);
        }
        Assert.Equal(chosen.Length, executor.GetStats().RequestsCompleted);
    }

    [Fact]
    public void A_model_genai_cannot_load_is_a_model_load_error_carrying_genais_message()
    {
        var broken = Directory.CreateTempSubdirectory("edgellm-genai-broken");
        try
        {
            foreach (var f in Directory.EnumerateFiles(TestPaths.DefaultModel).Where(f => !f.EndsWith(".onnx", StringComparison.Ordinal)))
            {
                File.Copy(f, Path.Combine(broken.FullName, Path.GetFileName(f)));
            }
            File.WriteAllText(Path.Combine(broken.FullName, "model.onnx"), "not an onnx model");
            using var model = LanguageModel.Load(broken.FullName, ExecutorFactory.LoadOptionsFor(ExecutorKind.GenAi, new ModelLoadOptions()));
            var e = Assert.Throws<ModelLoadException>(() => ExecutorFactory.Create(ExecutorKind.GenAi, model, new EngineOptions()));
            var native = Assert.IsType<GenAiException>(e.InnerException);
            Assert.False(string.IsNullOrWhiteSpace(native.NativeMessage));
            Assert.Contains(native.NativeMessage, e.Message);
        }
        finally
        {
            broken.Delete(recursive: true);
        }
    }

    public void Dispose() => _model.Dispose();
}
