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
    /// <summary>Completion tokens per second of decoding (after the first token).</summary>
    public double TokensPerSecond => CompletionTokens <= 1 || TotalMs <= TimeToFirstTokenMs
        ? 0
        : (CompletionTokens - 1) / ((TotalMs - TimeToFirstTokenMs) / 1000.0);
}
