using System.Collections;
using System.Collections.Concurrent;
using System.Text;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// Byte-pair encoding as Hugging Face's BPE model does it: start from single characters (or, with
/// <c>byte_fallback</c>, their <c>&lt;0xNN&gt;</c> byte tokens), then repeatedly merge the adjacent pair with the
/// lowest merge rank, leftmost first. The vocabulary and merges live in compact tables (<see cref="TokenTable"/>,
/// <see cref="MergeTable"/>), and finished words are cached, so common words cost one dictionary lookup.
/// </summary>
internal sealed class BpeModel
{
    // Bounded so a long-running service's cache stays around a megabyte whatever text it sees.
    private const int CacheLimit = 16_384;
    private const int StackChars = 64;
    private readonly BpeOptions _options;
    private readonly TokenTable _vocab;
    private readonly MergeTable _merges;
    private readonly BitArray _formed;
    private readonly int? _unkId;
    private readonly int[] _byteTokens = new int[256];
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;

    public BpeModel(BpeOptions options, TokenTable vocab, MergeTable merges, bool ranksFollowIds, BitArray formed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(merges);
        ArgumentNullException.ThrowIfNull(formed);
        _options = options;
        _vocab = vocab;
        _merges = merges;
        _formed = formed;
        RanksFollowIds = ranksFollowIds;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkId = options.UnkToken is { } unk && vocab.TryGetId(unk, out var u) ? u : null;
        Span<char> name = stackalloc char[6];
        for (var b = 0; b < 256; b++)
        {
            $"<0x{b:X2}>".AsSpan().CopyTo(name);
            _byteTokens[b] = vocab.TryGetId(name, out var id) ? id : -1;
        }
    }

    /// <summary>
    /// Every merge forms a vocabulary token, and the merges come in the order of those tokens' ids: then the
    /// lowest merge rank is the lowest id of the token formed, which is how tiktoken ranks.
    /// </summary>
    public bool RanksFollowIds { get; }

    /// <summary>No byte fallback, unknown token, subword prefix or word suffix: plain byte-level BPE.</summary>
    public bool IsPlain => !_options.ByteFallback && _unkId is null && string.IsNullOrEmpty(_options.ContinuingSubwordPrefix) && string.IsNullOrEmpty(_options.EndOfWordSuffix);

    /// <summary>A word found whole in the vocabulary is one token, whatever the merges say.</summary>
    public bool IgnoresMerges => _options.IgnoreMerges;

    /// <summary>The token strings by id.</summary>
    public TokenTable Vocab => _vocab;

    /// <summary>Bytes of the vocabulary and merge tables.</summary>
    public long TableBytes => _vocab.Bytes + _merges.Bytes + _formed.Length / 8;

    /// <summary>Tokens of more than one character that no merge forms (BPE can only reach them whole).</summary>
    public List<string> UnmergedTokens()
    {
        var list = new List<string>();
        for (var id = 0; id < _vocab.Count; id++)
        {
            if (_vocab.Token(id).Length > 1 && !_formed[id])
            {
                list.Add(new string(_vocab.Token(id)));
            }
        }
        return list;
    }

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Tokenize(string word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }
        if (_cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var ids = Compute(word);
        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }
        _cache[word] = ids;
        output.AddRange(ids);
    }

    /// <summary>Appends the ids of one pre-tokenized word given as characters: a cached word costs no allocation.</summary>
    public void Tokenize(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.IsEmpty)
        {
            return;
        }
        if (_cacheBySpan.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        Tokenize(new string(word), output);
    }

    private int[] Compute(string word)
    {
        if (_options.IgnoreMerges && _options.EndOfWordSuffix is null && _vocab.TryGetId(word, out var whole))
        {
            return [whole];
        }
        var symbols = InitialSymbols(word);
        Merge(symbols);
        return symbols.ToArray();
    }

    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        var unkRun = false;
        var prefix = _options.ContinuingSubwordPrefix.AsSpan();
        var suffix = _options.EndOfWordSuffix.AsSpan();
        Span<char> piece = stackalloc char[StackChars];
        for (var i = 0; i < word.Length; i++)
        {
            var width = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var ch = word.AsSpan(i, width);
            var withPrefix = !prefix.IsEmpty && i > 0;
            var withSuffix = !suffix.IsEmpty && i + width == word.Length;
            i += width - 1;
            var length = (withPrefix ? prefix.Length : 0) + width + (withSuffix ? suffix.Length : 0);
            var text = length <= StackChars ? piece[..length] : new char[length];
            var at = 0;
            if (withPrefix)
            {
                prefix.CopyTo(text);
                at = prefix.Length;
            }
            ch.CopyTo(text[at..]);
            if (withSuffix)
            {
                suffix.CopyTo(text[(at + width)..]);
            }
            if (_vocab.TryGetId(text, out var id))
            {
                symbols.Add(id);
                unkRun = false;
                continue;
            }
            if (_options.ByteFallback && TryBytes(ch, symbols))
            {
                unkRun = false;
                continue;
            }
            if (_unkId is not { } unk)
            {
                throw new InvalidOperationException($"'{ch.ToString()}' is not in the vocabulary and the tokenizer has no unk_token");
            }
            if (!(_options.FuseUnk && unkRun))
            {
                symbols.Add(unk);
            }
            unkRun = true;
        }
        return symbols;
    }

    private bool TryBytes(ReadOnlySpan<char> ch, List<int> symbols)
    {
        Span<byte> bytes = stackalloc byte[8];
        var n = Encoding.UTF8.GetBytes(ch, bytes);
        for (var k = 0; k < n; k++)
        {
            if (_byteTokens[bytes[k]] < 0)
            {
                return false;
            }
        }
        for (var k = 0; k < n; k++)
        {
            symbols.Add(_byteTokens[bytes[k]]);
        }
        return true;
    }

    /// <summary>Applies merges lowest rank first, leftmost on ties, until none applies.</summary>
    private void Merge(List<int> symbols)
    {
        while (symbols.Count > 1)
        {
            var bestRank = int.MaxValue;
            var bestAt = -1;
            var bestId = 0;
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                if (_merges.TryGet(symbols[i], symbols[i + 1], out var rank, out var formed) && rank < bestRank)
                {
                    bestRank = rank;
                    bestAt = i;
                    bestId = formed;
                }
            }
            if (bestAt < 0)
            {
                return;
            }
            symbols[bestAt] = bestId;
            symbols.RemoveAt(bestAt + 1);
        }
    }

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _vocab.TryGetId(token, out id);
}
