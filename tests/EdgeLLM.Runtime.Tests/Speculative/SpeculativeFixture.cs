using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Speculative;

namespace EdgeLLM.Runtime.Tests.Speculative;

/// <summary>The default pair (iot-assist-pro with iot-assist as draft), opened once, in both KV-cache styles.</summary>
public sealed class SpeculativeFixture : IDisposable
{
    private readonly List<LanguageModel> _models = [];

    public SpeculativeFixture()
    {
        Target = Open(TestPaths.ProModel, shared: true);
        GrowingTarget = Open(TestPaths.ProModel, shared: false);
        Draft = DraftPairing.LoadDraft(Target);
        GrowingDraft = DraftPairing.LoadDraft(GrowingTarget);
        _models.Add(Draft);
        _models.Add(GrowingDraft);
        Fp16KvDraft = Open(TestPaths.Fp16KvModel, shared: true);
        WeakDraft = Open(TestPaths.WeakDraftModel, shared: true);
        GrowingWeakDraft = Open(TestPaths.WeakDraftModel, shared: false);
    }

    public LanguageModel Target { get; }

    public LanguageModel GrowingTarget { get; }

    public LanguageModel Draft { get; }

    public LanguageModel GrowingDraft { get; }

    /// <summary>The student with a float16 KV cache: a draft whose cache differs from the target's.</summary>
    public LanguageModel Fp16KvDraft { get; }

    /// <summary>A tiny undertrained model with the same tokenizer: many of its drafts are rejected.</summary>
    public LanguageModel WeakDraft { get; }

    public LanguageModel GrowingWeakDraft { get; }

    public InferenceEngine Engine(bool shared = true, LanguageModel? draft = null, bool promptLookup = false, int batch = 4, bool speculate = true) =>
        InferenceEngine.Started(shared ? Target : GrowingTarget, new EngineOptions
        {
            MaxBatchSize = batch,
            Speculative = speculate ? new SpeculativeOptions { Draft = draft ?? (promptLookup ? null : shared ? Draft : GrowingDraft), PromptLookup = promptLookup } : null,
        });

    private LanguageModel Open(string directory, bool shared)
    {
        var model = LanguageModel.Load(directory, new ModelLoadOptions { IntraOpThreads = 1, SharedKvBuffer = shared });
        _models.Add(model);
        return model;
    }

    public void Dispose()
    {
        foreach (var m in _models)
        {
            m.Dispose();
        }
    }
}
