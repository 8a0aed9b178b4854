namespace EdgeLLM.Tokenizers.AddedTokens;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized);
