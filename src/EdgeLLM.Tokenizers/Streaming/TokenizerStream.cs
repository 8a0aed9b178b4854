using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeLLM.Tokenizers;

/// <summary>
/// Decodes generated tokens one at a time into text deltas. It never emits half a UTF-8 character (bytes of an
/// incomplete character wait for the next token) and gets SentencePiece's leading spaces right by decoding each
/// new token together with the tokens just before it and emitting only what was added.
/// </summary>
/// <remarks>
/// Decoding the window twice per token costs tens of microseconds, which is a real share of a small model's
/// decode step. For a plain byte-level decoder without clean-up, decoding is concatenation of token bytes, so
/// the stream keeps the bytes not yet emitted and turns them into text once they end on a whole character:
/// the same deltas, with the emitted string as the only allocation. Added tokens (text the byte-level decoder
/// passes through) go the general way; the two share the same offsets, so a stream switches freely.
/// </remarks>
public sealed class TokenizerStream
{
    private const int StackCharLimit = 256;

    private readonly Tokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly bool _byteLevel;
    private readonly List<int> _ids = [];
    private byte[] _pending = new byte[16];
    private int _pendingLength;
    // True while _pending holds exactly the bytes of _ids[_readOffset..]; the general path does not track bytes.
    private bool _pendingTracksIds = true;
    private int _prefixOffset;
    private int _readOffset;

    internal TokenizerStream(Tokenizer tokenizer, bool skipSpecialTokens, bool allowByteLevelPath = true)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
        _byteLevel = allowByteLevelPath && tokenizer.IsByteLevel && !tokenizer.Config.CleanUpTokenizationSpaces;
    }

    /// <summary>Takes the next token; returns the text it completes (often empty).</summary>
    // Per-token: compiled optimized on first call, no tier-0 pass (why: docs/ARCHITECTURE.md, hot paths).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Next(int id)
    {
        if (_skipSpecialTokens && _tokenizer.IsSpecial(id))
        {
            return "";
        }
        _ids.Add(id);
        if (_byteLevel && _pendingTracksIds && _tokenizer.TryGetByteLevelBytes(id, out var bytes))
        {
            return NextBytes(bytes);
        }
        var delta = NextByDecoding();
        _pendingLength = 0;
        _pendingTracksIds = _readOffset == _ids.Count;
        return delta;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string NextBytes(ReadOnlySpan<byte> bytes)
    {
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        }
        bytes.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += bytes.Length;
        var pending = _pending.AsSpan(0, _pendingLength);
        // UTF-8 never decodes to more chars than it has bytes.
        Span<char> chars = _pendingLength <= StackCharLimit ? stackalloc char[_pendingLength] : new char[_pendingLength];
        var count = Encoding.UTF8.GetChars(pending, chars);
        if (count == 0 || chars[count - 1] == '\uFFFD')
        {
            return "";
        }
        _pendingLength = 0;
        _prefixOffset = _readOffset;
        _readOffset = _ids.Count;
        return new string(chars[..count]);
    }

    private string NextByDecoding()
    {
        var span = CollectionsMarshal.AsSpan(_ids);
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
        var span = CollectionsMarshal.AsSpan(_ids);
        var before = _tokenizer.Decode(span[_prefixOffset.._readOffset], _skipSpecialTokens);
        var after = _tokenizer.Decode(span[_prefixOffset..], _skipSpecialTokens);
        _prefixOffset = _readOffset = _ids.Count;
        _pendingLength = 0;
        _pendingTracksIds = true;
        return after.Length > before.Length && after.StartsWith(before, StringComparison.Ordinal) ? after[before.Length..] : "";
    }

    public void Reset()
    {
        _ids.Clear();
        _prefixOffset = _readOffset = 0;
        _pendingLength = 0;
        _pendingTracksIds = true;
    }
}
