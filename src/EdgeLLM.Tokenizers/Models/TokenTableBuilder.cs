namespace EdgeLLM.Tokenizers.Models;

/// <summary>
/// Collects (token, id) pairs in whatever order the file lists them and lays them out in id order as a
/// <see cref="TokenTable"/>. A token listed twice keeps its last id, as a JSON object read into a dictionary would.
/// </summary>
internal sealed class TokenTableBuilder
{
    private char[] _chars = new char[1 << 16];
    private int _length;
    private readonly List<(int Id, int Start, int Length)> _entries = [];

    public void Add(ReadOnlySpan<char> token, int id)
    {
        if (id < 0)
        {
            throw new TokenizerLoadException($"tokenizer.json: model.vocab gives \"{token}\" the negative id {id}");
        }
        if (_length + token.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + token.Length));
        }
        token.CopyTo(_chars.AsSpan(_length));
        _entries.Add((id, _length, token.Length));
        _length += token.Length;
    }

    public TokenTable Build()
    {
        var count = 0;
        foreach (var e in _entries)
        {
            count = Math.Max(count, e.Id + 1);
        }
        // An id listed twice keeps its last token.
        var entryOfId = new int[count];
        Array.Fill(entryOfId, -1);
        for (var i = 0; i < _entries.Count; i++)
        {
            entryOfId[_entries[i].Id] = i;
        }
        var table = Lay(entryOfId);
        for (var id = 0; id < count; id++)
        {
            if (table.TryGetId(table.Token(id), out var found) && found != id)
            {
                // A token under two ids (hand-edited files): rare, so resolved here rather than paid for on every load.
                return Lay(WithoutDuplicates(entryOfId));
            }
        }
        return table;
    }

    /// <summary>Drops every id whose token is listed again later under another id.</summary>
    private int[] WithoutDuplicates(int[] entryOfId)
    {
        var lastIdOfToken = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _entries.Count; i++)
        {
            lastIdOfToken[new string(Span(i))] = _entries[i].Id;
        }
        var kept = (int[])entryOfId.Clone();
        for (var id = 0; id < kept.Length; id++)
        {
            if (kept[id] >= 0 && lastIdOfToken[new string(Span(kept[id]))] != id)
            {
                kept[id] = -1;
            }
        }
        return kept;
    }

    private TokenTable Lay(int[] entryOfId)
    {
        var starts = new int[entryOfId.Length + 1];
        var total = 0;
        for (var id = 0; id < entryOfId.Length; id++)
        {
            starts[id] = total;
            total += entryOfId[id] >= 0 ? _entries[entryOfId[id]].Length : 0;
        }
        starts[^1] = total;
        var chars = new char[total];
        for (var id = 0; id < entryOfId.Length; id++)
        {
            if (entryOfId[id] >= 0)
            {
                Span(entryOfId[id]).CopyTo(chars.AsSpan(starts[id]));
            }
        }
        return new TokenTable(chars, starts);
    }

    private ReadOnlySpan<char> Span(int entry) => _chars.AsSpan(_entries[entry].Start, _entries[entry].Length);
}
