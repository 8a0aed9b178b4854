namespace EdgeLLM.Cli.Bench;

/// <summary>Another executor measured on the same model, prompt ids and lengths, or why it did not run.</summary>
/// <param name="Single">Its single-stream numbers.</param>
/// <param name="Concurrency">Its numbers at each <c>--concurrency</c> level.</param>
/// <param name="Arrivals">Its first-token latency under staggered arrivals, when <c>--arrivals</c> was given.</param>
/// <param name="MatchingTokens">How many leading generated tokens agree with the main run (greedy, same prompt ids).</param>
/// <param name="Error">Why it could not run; the other fields are then empty.</param>
internal sealed record ExecutorPeerResult(
    SingleStreamResult? Single, IReadOnlyList<ConcurrencyLevelResult> Concurrency, ArrivalResult? Arrivals, int MatchingTokens, string? Error)
{
    public static ExecutorPeerResult Failed(string error) => new(null, [], null, 0, error);
}
