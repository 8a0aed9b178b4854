using EdgeLLM.Runtime.Models;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>Opens the committed default model once per test class.</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        Model = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1 });
        GrowingModel = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1, SharedKvBuffer = false });
    }

    public LanguageModel Model { get; }

    public LanguageModel GrowingModel { get; }

    public InferenceEngine Engine(EngineOptions? options = null, bool shared = true) => InferenceEngine.Started(shared ? Model : GrowingModel, options);

    public void Dispose()
    {
        Model.Dispose();
        GrowingModel.Dispose();
    }
}
