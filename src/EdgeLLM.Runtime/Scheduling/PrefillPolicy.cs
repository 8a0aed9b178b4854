namespace EdgeLLM.Runtime.Scheduling;

/// <summary>
/// Chunked prefill: how many prompt tokens go in between two decode steps. While nothing decodes, a prompt goes in
/// whole (nobody waits on it, and one run reads the weights once); while streams decode, a long prompt goes in
/// <see cref="ChunkTokens"/> at a time, so a running stream's next token waits for one chunk, never a whole prompt.
/// </summary>
internal sealed class PrefillPolicy(int chunkTokens)
{
    /// <summary>Tokens per chunk; 0 prefills every prompt whole.</summary>
    public int ChunkTokens { get; } = Math.Max(0, chunkTokens);

    /// <summary>The prompt tokens the loop may put in now, with <paramref name="decoding"/> slots waiting for a step.</summary>
    public int Budget(int decoding, bool backendChunks) =>
        ChunkTokens > 0 && backendChunks && decoding > 0 ? ChunkTokens : int.MaxValue;
}
