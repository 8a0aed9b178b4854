namespace EdgeLLM.Cli.Bench;

/// <summary>The transformers.js run beside EdgeLLM's, or why it did not run.</summary>
/// <param name="Peer">Its numbers; null when it could not run.</param>
/// <param name="Error">Why it could not run.</param>
/// <param name="MatchingTokens">How many leading generated tokens both runtimes agree on (greedy, same prompt ids).</param>
internal sealed record PeerComparison(SingleStreamResult? Peer, string? Error, int MatchingTokens)
{
    public static PeerComparison Failed(string error) => new(null, error, 0);
}
