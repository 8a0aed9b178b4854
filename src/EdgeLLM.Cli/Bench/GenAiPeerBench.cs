using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// ONNX Runtime GenAI as a peer: the same model directory, the same prompt token ids and lengths, run through its
/// engine by EdgeLLM's <c>GenAiExecutor</c> with the same bench as the main run, single stream, each concurrency
/// level and staggered arrivals. A failure to load becomes the result's error, never an exception.
/// </summary>
internal static class GenAiPeerBench
{
    public static async Task<ExecutorPeerResult> RunAsync(BenchSettings settings, BenchPlan plan, IReadOnlyList<int> mainTokens, TextWriter progress, CancellationToken cancellationToken)
    {
        EngineSession session;
        try
        {
            session = EngineSession.Open(plan.ModelPath, plan.EngineOptions, settings.Threads, executor: ExecutorKind.GenAi, maxSequenceLength: plan.MaxSequenceLength);
        }
        catch (CliException e)
        {
            return ExecutorPeerResult.Failed(e.Message);
        }
        await using (session.ConfigureAwait(false))
        {
            var bench = new EngineBench(session, plan.Prompt, settings);
            await progress.WriteLineAsync($"bench: {bench.Runtime}, single stream...").ConfigureAwait(false);
            var single = await bench.SingleStreamAsync(cancellationToken).ConfigureAwait(false);
            var levels = new List<ConcurrencyLevelResult>();
            foreach (var level in plan.Levels(session))
            {
                await progress.WriteLineAsync($"bench: {bench.Runtime}, {level} concurrent streams...").ConfigureAwait(false);
                levels.Add(await bench.ConcurrentAsync(level, cancellationToken).ConfigureAwait(false));
            }
            ArrivalResult? arrivals = null;
            if (settings.Arrivals > 0)
            {
                await progress.WriteLineAsync($"bench: {bench.Runtime}, {settings.Arrivals} staggered arrivals...").ConfigureAwait(false);
                arrivals = await bench.ArrivalsAsync(settings.Arrivals, plan.ArrivalInterval, cancellationToken).ConfigureAwait(false);
            }
            return new ExecutorPeerResult(single, levels, arrivals, PeerBench.Matching(bench.LastTokenIds, mainTokens), null);
        }
    }
}
