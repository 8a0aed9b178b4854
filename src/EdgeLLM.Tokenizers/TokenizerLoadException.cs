namespace EdgeLLM.Tokenizers;

/// <summary>A tokenizer file that is malformed or uses something EdgeLLM does not support; the message names it.</summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string message) : base(message) { }

    public TokenizerLoadException(string message, Exception inner) : base(message, inner) { }
}
