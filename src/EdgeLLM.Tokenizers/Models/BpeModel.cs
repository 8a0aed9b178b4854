using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using EdgeLLM.Tokenizers.Json;

namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// Byte-pair encoding as Hugging Face's BPE model does it: start from single characters (or, with
/// <c>byte_fallback</c>, their <c>&lt;0xNN&gt;</c> byte tokens), then repeatedly merge the adjacent pair with the
/// lowest merge rank, leftmost first. Merges are looked up by the pair of token ids packed into one long, and
/// finished words are cached, so common words cost one dictionary lookup.
/// </summary>
internal sealed class BpeModel
{
    private const int CacheLimit = 200_000;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _byteFallback;
    private readonly bool _ignoreMerges;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly int[] _byteTokens = new int[256];
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabBySpan;

    public BpeModel(JsonElement model)
    {
        _vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in JsonNodeReader.Get(model, "vocab", "model").EnumerateObject())
        {
            _vocab[p.Name] = p.Value.GetInt32();
        }
        _vocabBySpan = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        var unk = JsonNodeReader.String(model, "unk_token");
        _unkId = unk is not null && _vocab.TryGetValue(unk, out var u) ? u : null;
        _fuseUnk = JsonNodeReader.Bool(model, "fuse_unk", false);
        _byteFallback = JsonNodeReader.Bool(model, "byte_fallback", false);
        _ignoreMerges = JsonNodeReader.Bool(model, "ignore_merges", false);
        _prefix = JsonNodeReader.String(model, "continuing_subword_prefix");
        _suffix = JsonNodeReader.String(model, "end_of_word_suffix");
        if (JsonNodeReader.IsPresent(model, "dropout") && model.GetProperty("dropout").ValueKind == JsonValueKind.Number && model.GetProperty("dropout").GetDouble() > 0)
        {
            throw new TokenizerLoadException("tokenizer.json: model.dropout is not supported (it makes encoding random)");
        }
        for (var b = 0; b < 256; b++)
        {
            _byteTokens[b] = _vocab.TryGetValue($"<0x{b:X2}>", out var id) ? id : -1;
        }
        _merges = new Dictionary<long, (int, int)>();
        var formed = new HashSet<int>();
        var lastFormed = -1;
        var ranksFollowIds = true;
        var rank = 0;
        foreach (var m in JsonNodeReader.Get(model, "merges", "model").EnumerateArray())
        {
            string left, right;
            if (m.ValueKind == JsonValueKind.String)
            {
                var s = m.GetString()!;
                var space = s.IndexOf(' ', 1);
                if (space < 0)
                {
                    throw new TokenizerLoadException($"tokenizer.json: model.merges[{rank}] \"{s}\" is not two tokens separated by a space");
                }
                left = s[..space];
                right = s[(space + 1)..];
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
            {
                left = m[0].GetString()!;
                right = m[1].GetString()!;
            }
            else
            {
                throw new TokenizerLoadException($"tokenizer.json: model.merges[{rank}] must be \"a b\" or [\"a\", \"b\"]");
            }
            var merged = left + (_prefix is not null && right.StartsWith(_prefix, StringComparison.Ordinal) ? right[_prefix.Length..] : right);
            if (_vocab.TryGetValue(left, out var l) && _vocab.TryGetValue(right, out var r) && _vocab.TryGetValue(merged, out var id))
            {
                _merges.TryAdd(Pack(l, r), (rank, id));
                ranksFollowIds &= id >= lastFormed;
                lastFormed = id;
                formed.Add(id);
            }
            else
            {
                ranksFollowIds = false;
            }
            rank++;
        }
        RanksFollowIds = ranksFollowIds;
        UnmergedTokens = [.. _vocab.Where(p => p.Key.Length > 1 && !formed.Contains(p.Value)).Select(p => p.Key)];
    }

    /// <summary>
    /// Every merge forms a vocabulary token, and the merges come in the order of those tokens' ids: then the
    /// lowest merge rank is the lowest id of the token formed, which is how tiktoken ranks.
    /// </summary>
    public bool RanksFollowIds { get; }

    /// <summary>Tokens of more than one character that no merge forms (BPE can only reach them whole).</summary>
    public IReadOnlyList<string> UnmergedTokens { get; }

    /// <summary>No byte fallback, unknown token, subword prefix or word suffix: plain byte-level BPE.</summary>
    public bool IsPlain => !_byteFallback && _unkId is null && string.IsNullOrEmpty(_prefix) && string.IsNullOrEmpty(_suffix);

    /// <summary>A word found whole in the vocabulary is one token, whatever the merges say.</summary>
    public bool IgnoresMerges => _ignoreMerges;

    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    private static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

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

    private int[] Compute(string word)
    {
        if (_ignoreMerges && _suffix is null && _vocab.TryGetValue(word, out var whole))
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
        var sb = new StringBuilder();
        for (var i = 0; i < word.Length; i++)
        {
            var width = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var ch = word.AsSpan(i, width);
            sb.Clear();
            if (_prefix is not null && i > 0)
            {
                sb.Append(_prefix);
            }
            sb.Append(ch);
            if (_suffix is not null && i + width == word.Length)
            {
                sb.Append(_suffix);
            }
            i += width - 1;
            if (_vocab.TryGetValue(sb.ToString(), out var id))
            {
                symbols.Add(id);
                unkRun = false;
                continue;
            }
            if (_byteFallback && TryBytes(ch, symbols))
            {
                unkRun = false;
                continue;
            }
            if (_unkId is not { } unk)
            {
                throw new InvalidOperationException($"'{ch.ToString()}' is not in the vocabulary and the tokenizer has no unk_token");
            }
            if (!(_fuseUnk && unkRun))
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
                if (_merges.TryGetValue(Pack(symbols[i], symbols[i + 1]), out var m) && m.Rank < bestRank)
                {
                    bestRank = m.Rank;
                    bestAt = i;
                    bestId = m.Merged;
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

    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _vocabBySpan.TryGetValue(token, out id);
}
