using EdgeLLM.Tokenizers.PreTokenizers;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// The bytes each token of a byte-level vocabulary stands for, all in one array with each id's start in another
/// (about 1.6 MiB for a 152k-token vocabulary), so decoding concatenates spans and the streaming detokenizer reads a
/// token's bytes without an allocation. Read-only once built, so safe from several threads.
/// </summary>
internal sealed class TokenBytes
{
    private readonly byte[] _bytes;
    private readonly int[] _starts;

    public TokenBytes(TokenTable vocab)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        _starts = new int[vocab.Count + 1];
        var total = 0;
        Span<byte> scratch = stackalloc byte[256];
        for (var id = 0; id < vocab.Count; id++)
        {
            _starts[id] = total;
            total += Decode(vocab.Token(id), scratch);
        }
        _starts[^1] = total;
        _bytes = new byte[total];
        for (var id = 0; id < vocab.Count; id++)
        {
            // The rest of the array from the token's start has room for exactly its bytes and more.
            ByteLevelAlphabet.GetBytes(vocab.Token(id), _bytes.AsSpan(_starts[id]));
        }
    }

    /// <summary>Bytes of the arrays this table holds.</summary>
    public long Bytes => _bytes.Length + 4L * _starts.Length;

    /// <summary>A token's bytes; empty for an id with no token.</summary>
    public ReadOnlySpan<byte> this[int id] => (uint)id < (uint)(_starts.Length - 1) ? _bytes.AsSpan(_starts[id], _starts[id + 1] - _starts[id]) : default;

    /// <summary>How many bytes a token stands for (a long token is decoded into a buffer of its own).</summary>
    private static int Decode(ReadOnlySpan<char> token, Span<byte> scratch) =>
        ByteLevelAlphabet.GetBytes(token, ByteLevelAlphabet.MaxByteCount(token.Length) <= scratch.Length ? scratch : new byte[ByteLevelAlphabet.MaxByteCount(token.Length)]);
}
