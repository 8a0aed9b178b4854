namespace EdgeLLM.Tokenizers;

/// <summary>
/// Decodes generated tokens one at a time into text deltas. It never emits half a UTF-8 character (bytes of an
/// incomplete character wait for the next token) and gets SentencePiece's leading spaces right by decoding each
/// new token together with the tokens just before it and emitting only what was added.
/// </summary>
public sealed class TokenizerStream
{
    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<int> _ids = [];
    private int _prefixOffset;
    private int _readOffset;

    internal TokenizerStream(Tokenizer tokenizer, bool skipSpecialTokens)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Takes the next token; returns the text it completes (often empty).</summary>
    public string Next(int id)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecial(id))
        {
            return "";
        }
        _ids.Add(id);
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        var before = _tokenizer.Decode(span[_prefixOffset.._readOffset], _skipSpecialTokens);
        var after = _tokenizer.Decode(span[_prefixOffset..], _skipSpecialTokens);
        if (after.Length <= before.Length || after.EndsWith('\uFFFD') || !after.StartsWith(before, StringComparison.Ordinal))
        {
            return "";
        }
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return after[before.Length..];
    }

    /// <summary>At the end: whatever is still held back (for example a trailing invalid byte as U+FFFD).</summary>
    public string Flush()
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ids);
        var before = _tokenizer.Decode(span[_prefixOffset.._readOffset], _skipSpecialTokens);
        var after = _tokenizer.Decode(span[_prefixOffset..], _skipSpecialTokens);
        _prefixOffset = _readOffset = _ids.Count;
        return after.Length > before.Length && after.StartsWith(before, StringComparison.Ordinal) ? after[before.Length..] : "";
    }

    public void Reset()
    {
        _ids.Clear();
        _prefixOffset = _readOffset = 0;
    }
}
