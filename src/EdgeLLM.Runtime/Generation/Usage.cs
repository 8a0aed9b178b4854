namespace EdgeLLM.Runtime.Generation;

/// <summary>What one request used: tokens, time and energy.</summary>
/// <param name="PromptTokens">Tokens of the prompt after templating.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="CachedPromptTokens">Prompt tokens whose KV came from the prefix cache instead of being recomputed.</param>
/// <param name="TimeToFirstTokenMs">From acceptance to the first generated token.</param>
/// <param name="TotalMs">From acceptance to the end.</param>
/// <param name="EnergyJ">This request's share of the device's energy while it ran.</param>
public sealed record Usage(int PromptTokens, int CompletionTokens, int CachedPromptTokens, double TimeToFirstTokenMs, double TotalMs, double EnergyJ)
{
    /// <summary>Completion tokens over the whole request time, as the contract's example computes it
    /// (40 tokens in 410 ms: 97.6). Decode-only speed is what <c>edgellm bench</c> reports.</summary>
    public double TokensPerSecond => TotalMs <= 0 ? 0 : CompletionTokens / (TotalMs / 1000.0);

    /// <summary>Tokens a draft proposed for this request (speculative decoding); 0 without one.</summary>
    public int DraftedTokens { get; init; }

    /// <summary>Drafted tokens the model accepted (each one a token that cost no decode step of its own).</summary>
    public int AcceptedDraftTokens { get; init; }
}
