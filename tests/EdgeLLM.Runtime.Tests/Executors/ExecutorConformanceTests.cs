using EdgeLLM.Runtime.Generation;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Executors;

/// <summary>
/// EdgeLLM's own loop and ONNX Runtime GenAI's engine must produce the same greedy token ids for the same prompt,
/// on every committed model and in both KV-cache styles, so that choosing an executor never changes an answer.
/// </summary>
public class ExecutorConformanceTests
{
    public static TheoryData<string, bool> ModelsAndKvStyles()
    {
        var data = new TheoryData<string, bool>();
        foreach (var model in new[] { TestPaths.DefaultModel, TestPaths.Fp16KvModel })
        {
            data.Add(model, true);
            data.Add(model, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndKvStyles))]
    public async Task Greedy_ids_of_both_executors_are_equal(string directory, bool sharedKv)
    {
        var (maxNew, cases) = SmokeCase.Load(directory);
        var requests = cases.Select(c => new GenerationRequest { Id = c.Name, Prompt = c.Prompt, Temperature = 0, MaxTokens = maxNew })
            .Append(new GenerationRequest
            {
                Id = "chat",
                Messages = [new PromptMessage("user", "turn on the kitchen lights at 7pm")],
                Temperature = 0,
                MaxTokens = maxNew,
            })
            .ToList();
        var own = await RunAllAsync(ExecutorKind.EdgeLLM, directory, sharedKv, requests);
        var genai = await RunAllAsync(ExecutorKind.GenAi, directory, sharedKv, requests);
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.True(own[i].TokenIds.Count > 0, $"{requests[i].Id}: EdgeLLM generated nothing");
            Assert.Equal(own[i].TokenIds, genai[i].TokenIds);
            Assert.Equal(own[i].Text, genai[i].Text);
            Assert.Equal(own[i].FinishReason, genai[i].FinishReason);
        }
    }

    private static async Task<List<GenerationResult>> RunAllAsync(ExecutorKind kind, string directory, bool sharedKv, IReadOnlyList<GenerationRequest> requests)
    {
        var options = ExecutorFactory.LoadOptionsFor(kind, new ModelLoadOptions { IntraOpThreads = 1, SharedKvBuffer = sharedKv });
        using var model = LanguageModel.Load(directory, options);
        await using var executor = ExecutorFactory.Create(kind, model, new EngineOptions { MaxBatchSize = 1, PrefixCacheBytes = 0 });
        var results = new List<GenerationResult>();
        foreach (var request in requests)
        {
            results.Add(await executor.GenerateAsync(request));
        }
        return results;
    }
}
