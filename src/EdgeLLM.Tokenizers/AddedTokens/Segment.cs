namespace EdgeLLM.Tokenizers.AddedTokens;

/// <summary>Text between added tokens (<see cref="TokenId"/> null) or one matched added token.</summary>
internal readonly record struct Segment(string Text, int? TokenId, bool AtStart);
