using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Tests.Scheduling;

/// <summary>The committed default model without a decoder session: its tokenizer, limits and end-of-sequence ids are
/// all a scripted backend's loop needs.</summary>
public sealed class LoopModelFixture : IDisposable
{
    public LanguageModel Model { get; } = LanguageModel.Load(TestPaths.DefaultModel, new ModelLoadOptions { IntraOpThreads = 1, OpenDecoderSession = false });

    public void Dispose() => Model.Dispose();
}
