using System.Globalization;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Scheduling;

namespace EdgeLLM.Cli.Bench;

/// <summary>
/// Measures runtimes in interleaved rounds: round 1 runs each participant once in turn (EdgeLLM, ONNX Runtime GenAI,
/// transformers.js, llama.cpp), round 2 the same again starting one place later (GenAI, transformers.js, llama.cpp,
/// EdgeLLM), and so on. Run one block after another, a machine's drift between blocks (another job, thermal state,
/// frequency) decides the ratio; interleaved, every runtime sees the same drift, and the spread over rounds shows how
/// much there was. The rotation gives every runtime every place in the order once per participants' count of rounds,
/// so whatever the place itself costs or gives (following a node process's exit, a warm cache) is not always the same
/// runtime's. The one-minute load average is read at each round's start and end, so a figure taken on a busy machine
/// says so.
/// </summary>
internal static class InterleavedBench
{
    /// <summary>One runtime taking its turn in each round; null from a round means it did not run (its reason is kept).</summary>
    public abstract class Participant
    {
        public abstract Task<RoundFigures?> RunRoundAsync(int round, CancellationToken cancellationToken);
    }

    public static async Task<InterleavedResult> RunAsync(IReadOnlyList<Participant> participants, int rounds, TextWriter progress, CancellationToken cancellationToken)
    {
        var done = new List<BenchRound>(rounds);
        for (var round = 1; round <= rounds; round++)
        {
            var start = LoadAverage.Read();
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bench: round {round}/{rounds}, load average {start:F2}")).ConfigureAwait(false);
            var figures = new List<RoundFigures>(participants.Count);
            foreach (var participant in TurnOrder(participants, round))
            {
                if (await participant.RunRoundAsync(round, cancellationToken).ConfigureAwait(false) is { } f)
                {
                    figures.Add(f);
                }
            }
            done.Add(new BenchRound(round, start, LoadAverage.Read(), figures));
        }
        return InterleavedResult.From(done, Environment.ProcessorCount);
    }

    /// <summary>
    /// Round <paramref name="round"/>'s order: the participants rotated left by <c>round - 1</c>. Round 1 keeps the
    /// given order, so EdgeLLM measures its memory before any peer's session opens in this process.
    /// </summary>
    public static IEnumerable<T> TurnOrder<T>(IReadOnlyList<T> participants, int round)
    {
        var n = participants.Count;
        for (var i = 0; i < n; i++)
        {
            yield return participants[(round - 1 + i) % n];
        }
    }

    /// <summary>An executor in this process: one stream, then each concurrency level; warm-up runs in round 1 only.</summary>
    public sealed class EngineParticipant(EngineBench bench, IReadOnlyList<int> levels, TextWriter progress, Action<int>? afterRound = null) : Participant
    {
        public List<SingleStreamResult> Singles { get; } = [];

        public List<IReadOnlyList<ConcurrencyLevelResult>> Levels { get; } = [];

        public override async Task<RoundFigures?> RunRoundAsync(int round, CancellationToken cancellationToken)
        {
            var warmup = round == 1 ? (int?)null : 0;
            await progress.WriteLineAsync($"bench: {bench.Runtime}, single stream...").ConfigureAwait(false);
            var single = await bench.SingleStreamAsync(cancellationToken, warmup).ConfigureAwait(false);
            var measured = new List<ConcurrencyLevelResult>(levels.Count);
            foreach (var level in levels)
            {
                await progress.WriteLineAsync($"bench: {bench.Runtime}, {level} concurrent streams...").ConfigureAwait(false);
                measured.Add(await bench.ConcurrentAsync(level, cancellationToken, warmup).ConfigureAwait(false));
            }
            Singles.Add(single);
            Levels.Add(measured);
            afterRound?.Invoke(round);
            return new RoundFigures(bench.Runtime, single, measured);
        }
    }

    /// <summary>
    /// ONNX Runtime GenAI's engine on the same model, prompt ids and levels, opened on its first turn and kept open to
    /// the end (an idle ONNX Runtime session uses no CPU; EdgeLLM's memory is read before it opens). A failure to open
    /// is its result's error, never an exception.
    /// </summary>
    public sealed class GenAiParticipant(BenchSettings settings, BenchPlan plan, TextWriter progress) : Participant, IAsyncDisposable
    {
        private EngineSession? _session;
        private EngineParticipant? _engine;
        private EngineBench? _bench;
        private string? _error;

        public override async Task<RoundFigures?> RunRoundAsync(int round, CancellationToken cancellationToken)
        {
            if (_error is not null)
            {
                return null;
            }
            if (_engine is null)
            {
                try
                {
                    _session = EngineSession.Open(plan.ModelPath, plan.EngineOptions, settings.Threads, executor: ExecutorKind.GenAi, maxSequenceLength: plan.MaxSequenceLength);
                }
                catch (CliException e)
                {
                    _error = e.Message;
                    await progress.WriteLineAsync($"bench: ONNX Runtime GenAI did not run: {e.Message}").ConfigureAwait(false);
                    return null;
                }
                _bench = new EngineBench(_session, plan.Prompt, settings);
                _engine = new EngineParticipant(_bench, plan.Levels(_session).ToList(), progress);
            }
            // The process's peak includes EdgeLLM's session beside this one: it says nothing about GenAI's own memory.
            return await _engine.RunRoundAsync(round, cancellationToken).ConfigureAwait(false) is { } f
                ? f with { Single = f.Single with { PeakRssBytes = null } }
                : null;
        }

        /// <summary>Its figures folded over rounds, and its arrivals measured now (after the rounds, as EdgeLLM's).</summary>
        public async Task<ExecutorPeerResult> ResultAsync(IReadOnlyList<int> mainTokens, TimeSpan arrivalInterval, CancellationToken cancellationToken)
        {
            if (_engine is null || _bench is null || _engine.Singles.Count == 0)
            {
                return ExecutorPeerResult.Failed(_error ?? "not run");
            }
            ArrivalResult? arrivals = null;
            if (settings.Arrivals > 0)
            {
                await progress.WriteLineAsync($"bench: {_bench.Runtime}, {settings.Arrivals} staggered arrivals...").ConfigureAwait(false);
                arrivals = await _bench.ArrivalsAsync(settings.Arrivals, arrivalInterval, cancellationToken).ConfigureAwait(false);
            }
            var single = InterleavedResult.Fold(_engine.Singles) with { PeakRssBytes = null };
            return new ExecutorPeerResult(single, InterleavedResult.Fold(_engine.Levels), arrivals,
                PeerBench.Matching(_bench.LastTokenIds, mainTokens), null);
        }

        public async ValueTask DisposeAsync()
        {
            if (_session is not null)
            {
                await _session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A peer in a process of its own (node: transformers.js, llama.cpp), started once per round. After a
    /// failure it sits out the later rounds: its cause (a missing module, a timeout) would not change.</summary>
    public sealed class NodeParticipant(string name, TextWriter progress, Func<CancellationToken, Task<PeerComparison>> run) : Participant
    {
        private readonly List<SingleStreamResult> _singles = [];
        private string? _error;
        private int _matching;

        public override async Task<RoundFigures?> RunRoundAsync(int round, CancellationToken cancellationToken)
        {
            if (_error is not null)
            {
                return null;
            }
            await progress.WriteLineAsync($"bench: {name}...").ConfigureAwait(false);
            var result = await run(cancellationToken).ConfigureAwait(false);
            if (result.Peer is not { } peer)
            {
                _error = result.Error ?? "no figures";
                await progress.WriteLineAsync($"bench: {name} did not run: {_error}").ConfigureAwait(false);
                return null;
            }
            _singles.Add(peer);
            _matching = result.MatchingTokens;
            return new RoundFigures(peer.Runtime, peer, []);
        }

        /// <summary>Its figures folded over the rounds it ran, or why it did not run.</summary>
        public PeerComparison Result => _singles.Count == 0 ? PeerComparison.Failed(_error ?? "not run") : new PeerComparison(InterleavedResult.Fold(_singles), null, _matching);
    }
}
