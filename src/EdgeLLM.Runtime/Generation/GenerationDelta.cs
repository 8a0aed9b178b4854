namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// Text that became final with one generated token: possibly empty while a multi-byte character or a possible
/// stop string is held back, and the token that produced it (-1 for text flushed at the end). The finished
/// completion is not a delta: it is <see cref="GenerationStream.Result"/>.
/// </summary>
public readonly record struct GenerationDelta(string Text, int TokenId);
