using EdgeLLM.Tokenizers;

namespace EdgeLLM.Runtime.Constraints;

/// <summary>
/// The tokenizer's vocabulary as a byte trie, stored flat in preorder: node i spans the nodes [i, End[i]), so a walk
/// that meets a dead automaton state skips the whole subtree in one jump. Tokens sharing a prefix share the
/// automaton steps for it, which keeps a mask over a 150k vocabulary to a walk of the live part of the trie.
/// Added and special tokens are left out: a constrained answer never contains them (end-of-sequence is handled
/// apart). Built once per tokenizer and shared.
/// </summary>
internal sealed class VocabularyTrie
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tokenizer, VocabularyTrie> Cache = new();

    private VocabularyTrie(int vocabSize, List<(byte[] Bytes, int Id)> tokens)
    {
        VocabSize = vocabSize;
        TokenBytes = new byte[]?[vocabSize];
        foreach (var (b, id) in tokens)
        {
            TokenBytes[id] = b;
        }
        tokens.Sort(static (x, y) =>
        {
            var c = x.Bytes.AsSpan().SequenceCompareTo(y.Bytes);
            return c != 0 ? c : x.Id.CompareTo(y.Id);
        });
        var depth = new List<int>();
        var bytes = new List<byte>();
        var tokenStart = new List<int>();
        var tokenCount = new List<int>();
        var ids = new int[tokens.Count];
        var path = new List<int>();
        byte[] previous = [];
        for (var t = 0; t < tokens.Count; t++)
        {
            var current = tokens[t].Bytes;
            var common = current.AsSpan().CommonPrefixLength(previous);
            path.RemoveRange(common, path.Count - common);
            for (var p = common; p < current.Length; p++)
            {
                path.Add(depth.Count);
                depth.Add(p + 1);
                bytes.Add(current[p]);
                tokenStart.Add(t);
                tokenCount.Add(0);
            }
            var node = path[^1];
            if (tokenCount[node] == 0)
            {
                tokenStart[node] = t;
            }
            tokenCount[node]++;
            ids[t] = tokens[t].Id;
            previous = current;
        }
        Depth = [.. depth];
        Bytes = [.. bytes];
        TokenStart = [.. tokenStart];
        TokenCount = [.. tokenCount];
        TokenIds = ids;
        End = new int[Depth.Length];
        var open = new Stack<int>();
        for (var i = 0; i < Depth.Length; i++)
        {
            while (open.Count > 0 && Depth[open.Peek()] >= Depth[i])
            {
                End[open.Pop()] = i;
            }
            open.Push(i);
        }
        while (open.Count > 0)
        {
            End[open.Pop()] = Depth.Length;
        }
        MaxDepth = Depth.Length == 0 ? 0 : Depth.Max();
    }

    /// <summary>One more than the largest token id.</summary>
    public int VocabSize { get; }

    public int NodeCount => Depth.Length;

    /// <summary>Each token's bytes; null for tokens left out of the trie.</summary>
    public byte[]?[] TokenBytes { get; }

    public int MaxDepth { get; }

    /// <summary>Bytes from the root to each node (1 for the root's children).</summary>
    public int[] Depth { get; }

    /// <summary>The byte that leads into each node.</summary>
    public byte[] Bytes { get; }

    /// <summary>One past the last node of each node's subtree.</summary>
    public int[] End { get; }

    /// <summary>Where each node's tokens start in <see cref="TokenIds"/>, and how many there are.</summary>
    public int[] TokenStart { get; }

    public int[] TokenCount { get; }

    public int[] TokenIds { get; }

    /// <summary>The trie of a tokenizer's vocabulary, built on first use.</summary>
    public static VocabularyTrie For(Tokenizer tokenizer) => Cache.GetValue(tokenizer, static t =>
    {
        var tokens = new List<(byte[], int)>(t.VocabSize);
        for (var id = 0; id < t.VocabSize; id++)
        {
            if (t.TryGetTokenBytes(id, out var bytes) && bytes.Length > 0)
            {
                tokens.Add((bytes, id));
            }
        }
        return new VocabularyTrie(t.VocabSize, tokens);
    });

    /// <summary>A trie over explicit token bytes (tests and benchmarks with synthetic vocabularies).</summary>
    public static VocabularyTrie FromTokens(int vocabSize, IEnumerable<(byte[] Bytes, int Id)> tokens) => new(vocabSize, [.. tokens]);

    /// <summary>The node for the longest token that is a prefix of <paramref name="text"/>: its length, or 0 when none.</summary>
    public int LongestPrefix(ReadOnlySpan<byte> text)
    {
        var best = 0;
        var node = 0;
        var end = NodeCount;
        for (var d = 0; d < text.Length && node < end; d++)
        {
            // Children of the current position are the nodes at depth d+1 in [node, end), one subtree after another.
            var found = -1;
            for (var c = node; c < end; c = End[c])
            {
                if (Bytes[c] == text[d])
                {
                    found = c;
                    break;
                }
            }
            if (found < 0)
            {
                break;
            }
            if (TokenCount[found] > 0)
            {
                best = d + 1;
            }
            node = found + 1;
            end = End[found];
        }
        return best;
    }
}
