using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Bench;

/// <summary>What every executor in one bench run gets alike: the model directory (a <c>--synthetic</c> bench model's
/// too), engine options, the positions each sequence gets, the prompt ids, the levels and the arrival interval.</summary>
internal sealed record BenchPlan(string? ModelPath, EngineOptions EngineOptions, int MaxSequenceLength, BenchPrompt Prompt, IReadOnlyList<int> Concurrency, TimeSpan ArrivalInterval)
{
    /// <summary>The concurrency levels the session can batch (a growing-KV model decodes one sequence at a time).</summary>
    public IEnumerable<int> Levels(EngineSession session) => Concurrency.Where(level => level <= session.Engine.GetStats().BatchCapacity);
}
