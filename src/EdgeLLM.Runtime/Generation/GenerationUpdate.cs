namespace EdgeLLM.Runtime.Generation;

/// <summary>
/// One step of a streamed completion: the text that became final with this token (possibly empty while
/// a multi-byte character or a possible stop string is held back) and the token that produced it.
/// The last update of a stream carries <see cref="Result"/>.
/// </summary>
public sealed record GenerationUpdate(string Delta, int TokenId, GenerationResult? Result = null)
{
    public bool IsFinal => Result is not null;
}
